// The shapes of the reftrack API's answers that the web app reads (docs/api.md, docs/reports.md).

export interface Money {
  amount: number; // integer minor units
  currency: string; // ISO 4217
}

export interface List<T> {
  object: "list";
  data: T[];
  has_more: boolean;
}

export type StageKind = "open" | "won" | "lost";

export interface Stage {
  key: string;
  name: string;
  kind: StageKind;
}

export type CommissionRule = { kind: "percent"; percent_bps: number } | { kind: "flat"; flat_minor: number };

export interface Program {
  id: string;
  name: string;
  currency: string;
  destination_domains: string[];
  attribution: { model: string; window_days: number };
  sticky_customers: boolean;
  commission: { default_rule: CommissionRule; by_group: Record<string, CommissionRule> };
  stages: Stage[];
  created_at: string;
  updated_at: string;
}

export type PartnerStatus = "pending" | "active" | "suspended";

export interface Partner {
  id: string;
  program_id: string;
  name: string;
  email: string;
  status: PartnerStatus;
  group: string | null;
  created_at: string;
}

export interface Link {
  id: string;
  program_id: string;
  partner_id: string;
  code: string;
  url: string;
  destination: string;
  campaign: string | null;
  channel: string | null;
  status: "active" | "disabled";
  created_at: string;
}

export interface Customer {
  id: string;
  external_id: string | null;
  email: string | null;
  name?: string | null;
}

export interface Referral {
  id: string;
  program_id: string;
  partner_id: string;
  source: string;
  customer: Customer;
  stage: string;
  stage_history: { from: string | null; to: string; at: string }[];
  value: Money | null;
  created_at: string;
  updated_at: string;
}

export interface Commission {
  id: string;
  partner_id: string;
  amount: Money;
  status: string;
  reverses: string | null;
}

export interface Conversion {
  id: string;
  program_id: string;
  external_id: string;
  type: "sale" | "refund";
  amount: number;
  currency: string;
  occurred_at: string;
  referral_id: string | null;
  attribution: { model: string; source: string; credits: { partner_id: string; weight: number }[] };
  commissions: Commission[];
}

export interface Metrics {
  clicks: number;
  unique_clicks: number;
  referrals: number;
  conversions: number;
  refunds: number;
  click_to_referral_rate: number | null;
  referral_to_conversion_rate: number | null;
  revenue: Money;
  average_deal_size: Money | null;
  time_to_conversion: { median_s: number | null; p90_s: number | null };
  commission: Money;
  roi: number | null;
  epc: Money | null;
}

export interface SummaryRow extends Metrics {
  group: Record<string, string | null>;
}

export interface SummaryReport {
  report: "summary";
  scope: { program_id: string | null; partner_id: string | null; from: string; to: string };
  data: SummaryRow[];
  has_more: boolean;
  total: Metrics | null;
}

export interface TimeseriesRow extends Metrics {
  period: string;
}

export interface TimeseriesReport {
  report: "timeseries";
  interval: "day" | "week" | "month";
  data: TimeseriesRow[];
  total: Metrics | null;
}

export interface FunnelRow {
  stage: string;
  name: string;
  kind: StageKind | "retired";
  entered: number;
  moved_on: number;
  moved_on_rate: number | null;
  time_in_stage: { median_s: number | null; p90_s: number | null };
}

export interface FunnelReport {
  report: "funnel";
  data: FunnelRow[];
}

export type Role = "admin" | "partner";

export interface User {
  id: string;
  email: string;
  role: Role;
  partner_id: string | null;
}

export interface Session {
  user: User;
  csrf_token: string;
  expires_at: string;
}
