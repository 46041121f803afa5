// A data table with column headers; sortable columns are buttons that report the wanted order.

import type { ComponentChildren } from "preact";

export interface Column<R> {
  key: string;
  label: string;
  render: (row: R) => ComponentChildren;
  numeric?: boolean;
  sortable?: boolean;
}

// `sort` is the reports API's form: "revenue" ascending, "-revenue" descending.
export function DataTable<R>({
  caption,
  columns,
  rows,
  rowKey,
  sort,
  onSort,
  captionHidden,
}: {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R, index: number) => string;
  sort?: string;
  onSort?: (sort: string) => void;
  captionHidden?: boolean;
}) {
  const sortKey = sort?.replace(/^-/, "");
  const descending = sort?.startsWith("-") ?? false;
  return (
    <div class="table-wrap">
      <table>
        <caption class={captionHidden ? "visually-hidden" : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sortKey === c.key;
              const ariaSort = active ? (descending ? "descending" : "ascending") : undefined;
              return (
                <th key={c.key} scope="col" class={c.numeric ? "num" : undefined} aria-sort={ariaSort}>
                  {c.sortable && onSort ? (
                    <button
                      type="button"
                      class="sort"
                      onClick={() => onSort(active && descending ? c.key : `-${c.key}`)}
                      aria-label={`${c.label}: sort ${active && descending ? "ascending" : "descending"}`}
                    >
                      {c.label}
                      <span aria-hidden="true" class="sort-mark">
                        {active ? (descending ? " ▼" : " ▲") : " ↕"}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)}>
              {columns.map((c, j) =>
                j === 0 ? (
                  <th key={c.key} scope="row" class={c.numeric ? "num" : undefined}>
                    {c.render(r)}
                  </th>
                ) : (
                  <td key={c.key} class={c.numeric ? "num" : undefined}>
                    {c.render(r)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
