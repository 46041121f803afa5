#include "http/funnel_codec.hpp"

#include "app/customer_identity.hpp"
#include "core/time.hpp"
#include "http/json_fields.hpp"

namespace rt::http {

namespace {

nlohmann::json OrNull(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

template <class IdT>
nlohmann::json OrNull(const std::optional<IdT>& id) {
    return id ? nlohmann::json(id->str()) : nlohmann::json(nullptr);
}

nlohmann::json CustomerJson(const core::Customer& c, ports::Vault& vault, bool reveal) {
    const auto email = c.email_sealed.empty() ? std::nullopt : vault.Decrypt(c.email_sealed);
    const auto name = c.name_sealed.empty() ? std::nullopt : vault.Decrypt(c.name_sealed);
    nlohmann::json out = {{"id", c.id.str()}, {"external_id", OrNull(c.external_id)}};
    if (reveal) {
        out["email"] = email ? nlohmann::json(*email) : nlohmann::json(nullptr);
        out["name"] = name ? nlohmann::json(*name) : nlohmann::json(nullptr);
    } else {
        out["email"] = email ? nlohmann::json(app::MaskEmail(*email)) : nlohmann::json(nullptr);
    }
    return out;
}

void ReadCustomer(JsonFields& fields, app::CustomerInput& out) {
    const auto* object = fields.Object("customer");
    if (object == nullptr) return;
    JsonFields nested(*object, "customer.");
    nested.RejectUnknown({"external_id", "email", "name"});
    out.external_id = nested.String("external_id");
    out.email = nested.String("email");
    out.name = nested.String("name");
    fields.Absorb(nested);
}

// {"amount": 12999, "currency": "EUR"}
std::optional<core::Money> ReadMoney(JsonFields& fields, std::string_view name) {
    const auto* object = fields.Object(name);
    if (object == nullptr) return std::nullopt;
    JsonFields nested(*object, fields.Path(name) + ".");
    nested.RejectUnknown({"amount", "currency"});
    auto amount = nested.Integer("amount");
    auto currency = nested.String("currency");
    if (!amount) nested.errors().Add(nested.Path("amount"), "is required");
    std::optional<core::Currency> parsed = currency ? core::Currency::Parse(*currency) : std::nullopt;
    if (!parsed) nested.errors().Add(nested.Path("currency"), "must be an ISO 4217 code in upper case, such as EUR");
    fields.Absorb(nested);
    if (!amount || !parsed) return std::nullopt;
    return core::Money{*amount, *parsed};
}

}  // namespace

nlohmann::json MoneyJson(const core::Money& m) { return {{"amount", m.amount}, {"currency", m.currency.code()}}; }

nlohmann::json ToJson(const core::Coupon& c) {
    return {{"id", c.id.str()},
            {"object", "coupon"},
            {"program_id", c.program_id.str()},
            {"partner_id", c.partner_id.str()},
            {"code", c.code},
            {"active", c.active},
            {"created_at", core::FormatRfc3339(c.created_at)}};
}

nlohmann::json ToJson(const core::Referral& r, const core::Customer& customer, ports::Vault& vault, bool reveal) {
    nlohmann::json history = nlohmann::json::array();
    for (const auto& h : r.history) {
        history.push_back({{"from", OrNull(h.from)}, {"to", h.to}, {"at", core::FormatRfc3339(h.at)}});
    }
    return {{"id", r.id.str()},
            {"object", "referral"},
            {"program_id", r.program_id.str()},
            {"partner_id", r.partner_id.str()},
            {"source", core::ToString(r.source)},
            {"click_id", OrNull(r.click_id)},
            {"coupon", OrNull(r.coupon_code)},
            {"customer", CustomerJson(customer, vault, reveal)},
            {"stage", r.stage},
            {"stage_history", std::move(history)},
            {"value", r.value ? MoneyJson(*r.value) : nlohmann::json(nullptr)},
            {"created_at", core::FormatRfc3339(r.created_at)},
            {"updated_at", core::FormatRfc3339(r.updated_at)}};
}

void WriteConversion(JsonWriter& w, const core::Conversion& c, const std::vector<core::Commission>& commissions) {
    // Keys in std::string order, as an nlohmann object holds them (JsonWriter).
    const auto id_or_null = [&w](const auto& id) -> JsonWriter& { return id ? w.String(id->str()) : w.Null(); };
    w.BeginObject();
    w.Key("amount").Int(c.amount.amount);
    w.Key("attribution").BeginObject();
    w.Key("credits").BeginArray();
    for (const auto& credit : c.attribution.credits) {
        w.BeginObject();
        w.Key("click_id").StringOrNull(credit.click_id);
        w.Key("partner_id").String(credit.partner_id.str());
        w.Key("weight").Double(static_cast<double>(credit.weight_ppm) / 1e6);
        w.Key("weight_ppm").Int(credit.weight_ppm);
        w.EndObject();
    }
    w.EndArray();
    w.Key("model").String(core::ToString(c.attribution.model));
    w.Key("source").String(core::ToString(c.attribution.source));
    w.EndObject();
    w.Key("click_id").StringOrNull(c.click_id);
    w.Key("commissions").BeginArray();
    for (const auto& com : commissions) {
        w.BeginObject();
        w.Key("amount").BeginObject();
        w.Key("amount").Int(com.amount.amount);
        w.Key("currency").String(com.amount.currency.code());
        w.EndObject();
        w.Key("id").String(com.id.str());
        w.Key("object").String("commission");
        w.Key("partner_id").String(com.partner_id.str());
        w.Key("reverses");
        id_or_null(com.reverses);
        w.Key("status").String(core::ToString(com.status));
        w.EndObject();
    }
    w.EndArray();
    w.Key("coupon").StringOrNull(c.coupon_code);
    w.Key("created_at").String(core::FormatRfc3339(c.created_at));
    w.Key("currency").String(c.amount.currency.code());
    w.Key("customer_id");
    id_or_null(c.customer_id);
    w.Key("external_id").String(c.external_id);
    w.Key("id").String(c.id.str());
    w.Key("object").String("conversion");
    w.Key("occurred_at").String(core::FormatRfc3339(c.occurred_at));
    w.Key("program_id").String(c.program_id.str());
    w.Key("referral_id");
    id_or_null(c.referral_id);
    w.Key("refund_of");
    id_or_null(c.refund_of);
    w.Key("type").String(core::ToString(c.type));
    w.EndObject();
}

std::string ConversionJson(const core::Conversion& conversion, const std::vector<core::Commission>& commissions) {
    JsonWriter w(1024);
    WriteConversion(w, conversion, commissions);
    return w.Take();
}

nlohmann::json ToJson(const core::Event& e) {
    nlohmann::json payload = nlohmann::json::object();
    for (const auto& [k, v] : e.payload) payload[k] = v;
    return {{"id", e.id.str()},
            {"object", "event"},
            {"program_id", e.program_id.str()},
            {"seq", e.seq},
            {"type", e.type},
            {"subject_id", e.subject_id},
            {"at", core::FormatRfc3339(e.at)},
            {"payload", std::move(payload)},
            {"prev_hash", e.prev_hash},
            {"hash", e.hash}};
}

core::Result<app::CouponInput> ParseCouponInput(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown({"partner_id", "code"});
    app::CouponInput out{fields.String("partner_id"), fields.String("code")};
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

core::Result<app::ReferralInput> ParseReferralInput(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown({"program_id", "click_id", "coupon", "partner_id", "customer", "value"});
    app::ReferralInput out;
    out.program_id = fields.String("program_id");
    out.click_id = fields.String("click_id");
    out.coupon = fields.String("coupon");
    out.partner_id = fields.String("partner_id");
    ReadCustomer(fields, out.customer);
    out.value = ReadMoney(fields, "value");
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

core::Result<app::ReferralPatch> ParseReferralPatch(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown({"stage", "value"});
    app::ReferralPatch out{fields.String("stage"), ReadMoney(fields, "value")};
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

core::Result<app::ConversionInput> ParseConversionInput(const nlohmann::json& body) {
    JsonFields fields(body);
    fields.RejectUnknown({"program_id", "external_id", "type", "refund_of", "amount", "currency", "occurred_at",
                          "referral_id", "click_id", "coupon", "customer"});
    app::ConversionInput out;
    out.program_id = fields.String("program_id");
    out.external_id = fields.String("external_id");
    out.type = fields.String("type");
    out.refund_of = fields.String("refund_of");
    out.amount = fields.Integer("amount");
    out.currency = fields.String("currency");
    out.occurred_at = fields.String("occurred_at");
    out.referral_id = fields.String("referral_id");
    out.click_id = fields.String("click_id");
    out.coupon = fields.String("coupon");
    ReadCustomer(fields, out.customer);
    if (auto r = fields.errors().ToResult(); !r) return core::Fail(r.error());
    return out;
}

}  // namespace rt::http
