//! [`Draft`]: an authentication under construction, and its finishing into a
//! [`Normalized`] with liability decided by the one rule engine.

use super::{today, Context, Explain, LiabilityExplain, Normalized};
use crate::catalog::Entry;
use crate::liability::{self, LiabilityFacts};
use crate::model::{
    Authentication, AuthenticationStatus, DocumentKind, NextStep, Provider, TransStatus,
};
use chrono::NaiveDate;
use threeds_wire::bounded;

/// An authentication under construction. Starts as `unknown` / `investigate`; adapters set
/// what the document says.
#[derive(Debug, Clone)]
pub struct Draft {
    pub auth: Authentication,
    /// Liability inputs the model has no field for (enrollment, signature, exemption,
    /// category, authentication value presence). Network, ECI, transStatus and version are
    /// taken from `auth` by [`Draft::finish`].
    pub facts: LiabilityFacts,
    document: &'static str,
    status_rule: String,
    catalog_row: Option<String>,
    warnings: Vec<String>,
    liability_override: Option<liability::LiabilityDecision>,
}

impl Draft {
    pub fn new(provider: Provider, kind: DocumentKind, document: &'static str) -> Self {
        Self {
            auth: Authentication::new(provider, kind),
            facts: LiabilityFacts::default(),
            document,
            status_rule: "unset".to_owned(),
            catalog_row: None,
            warnings: Vec::new(),
            liability_override: None,
        }
    }

    /// Decides liability shift here instead of by the rule tables: for PSPs whose document
    /// cannot tell outcomes with different liability apart (a Mangopay frictionless success
    /// may be `Y` or an exemption the merchant asked for). `rule` and `source` say why.
    pub fn set_liability(
        &mut self,
        liability_shift: Option<bool>,
        rule: &'static str,
        source: &'static str,
    ) {
        self.liability_override = Some(liability::LiabilityDecision {
            liability_shift,
            rule,
            source,
        });
    }

    /// Sets status, reason and next step from the catalog row for `code` in `table`, where
    /// the row decides them. A code the catalog does not know makes the status `unknown` with
    /// next step `investigate`, and is reported. Returns the row.
    pub fn apply_catalog(&mut self, ctx: &Context<'_>, table: &str, code: &str) -> Option<Entry> {
        let provider = self.auth.provider;
        match ctx.catalog.lookup(provider, table, code) {
            Some(entry) => {
                if let Some(status) = entry.status {
                    self.auth.status = status;
                    self.status_rule = format!("catalog:{}", entry.id());
                }
                if let Some(step) = entry.next_step {
                    self.auth.next_step = step;
                }
                if entry.status.is_some() || entry.retry.is_some() {
                    self.auth.retry = entry.retry;
                }
                if entry.reason.is_some() {
                    self.auth.reason.clone_from(&entry.reason);
                }
                self.catalog_row = Some(entry.to_string());
                Some(entry.clone())
            }
            None => {
                self.set_unknown(table, code);
                None
            }
        }
    }

    /// Looks up a reason code (a row that does not decide the status). An unknown code is
    /// reported and leaves the reason null; the status stays what the state field said.
    pub fn apply_reason(&mut self, ctx: &Context<'_>, table: &str, code: &str) -> Option<Entry> {
        let provider = self.auth.provider;
        match ctx.catalog.lookup(provider, table, code) {
            Some(entry) => {
                if entry.reason.is_some() {
                    self.auth.reason.clone_from(&entry.reason);
                }
                if entry.retry.is_some() {
                    self.auth.retry = entry.retry;
                }
                Some(entry.clone())
            }
            None => {
                self.warn(format!(
                    "{provider} {table} '{code}' is not in the catalog; reason left null"
                ));
                None
            }
        }
    }

    /// Applies an EMV transStatusReason the PSP reported with an N, R or U, the same way at
    /// every PSP: the reason word (when the PSP's own reason field gave none), the `retry`
    /// the reason family decides ([`crate::model::reason::emv_reason_retry`]), and for N with
    /// 14 (transaction timed out at the ACS) the status `expired`, as a timed-out challenge is
    /// everywhere. Other transStatus values are left as they are.
    pub fn apply_trans_status_reason(&mut self, code: &str) {
        use crate::model::reason::{emv_reason, emv_reason_retry, normalize_code};
        let outcome = matches!(
            self.auth.status,
            AuthenticationStatus::Failed
                | AuthenticationStatus::Rejected
                | AuthenticationStatus::Unavailable
        );
        if !outcome {
            return;
        }
        if self.auth.reason.is_none() {
            self.auth.reason = emv_reason(code).map(str::to_owned);
        }
        if self.auth.status == AuthenticationStatus::Rejected {
            // R is final whatever the reason: the issuer asks that nothing be retried.
            self.auth.retry = Some(crate::model::Retry::Never);
            return;
        }
        if let Some(retry) = emv_reason_retry(code) {
            self.auth.retry = Some(retry);
        }
        if self.auth.status == AuthenticationStatus::Failed
            && normalize_code(code).as_deref() == Some("14")
        {
            self.set_status(
                AuthenticationStatus::Expired,
                NextStep::RetryAuthentication,
                "emv:trans_status_reason/14",
            );
            self.auth.reason = Some("acs_timed_out".to_owned());
        }
    }

    /// Marks the document as carrying a value this version does not know.
    pub fn set_unknown(&mut self, table: &str, code: &str) {
        let provider = self.auth.provider;
        self.auth.status = AuthenticationStatus::Unknown;
        self.auth.next_step = NextStep::Investigate;
        self.auth.retry = None;
        self.auth.reason = Some("unknown_psp_value".to_owned());
        self.status_rule = format!("unknown:{provider}/{table}/{code}");
        self.warn(format!(
            "{provider} {table} '{code}' is not in the catalog; reported as unknown"
        ));
    }

    /// Sets the status by a named adapter rule (not a catalog row). A request that must be
    /// fixed first (`fix_request`) gains nothing from being sent again as it is, anywhere:
    /// its retry is `never`, set here so that no rule can forget it.
    pub fn set_status(
        &mut self,
        status: AuthenticationStatus,
        next_step: NextStep,
        rule: impl Into<String>,
    ) {
        self.auth.status = status;
        self.auth.next_step = next_step;
        if next_step == NextStep::FixRequest {
            self.auth.retry = Some(crate::model::Retry::Never);
        }
        self.status_rule = rule.into();
    }

    /// Records a warning. The message goes through [`bounded`] as a backstop: a template
    /// that quotes a PSP value without [`excerpt`](threeds_wire::excerpt) still cannot print a card number or a
    /// 5 MB field.
    pub fn warn(&mut self, message: impl Into<String>) {
        let message = message.into();
        let message = match bounded(&message) {
            std::borrow::Cow::Borrowed(_) => message,
            std::borrow::Cow::Owned(shorter) => shorter,
        };
        self.warnings.push(message);
    }

    /// Computes liability shift at the document's own date (`authenticated_at`), or at
    /// `ctx.as_of` when it has none, and returns the result with its explanation.
    ///
    /// Liability is null while the status is not final, and for outcomes that are not an
    /// authentication result (`error`, `unknown`, `declined`). When the PSP reports no EMV
    /// transStatus, the one implied by the normalized status is used and flagged as implied.
    pub fn finish_in(self, ctx: &Context<'_>) -> Normalized {
        self.finish_at(ctx.as_of)
    }

    /// [`Draft::finish_in`] dated today: for drafts that carry no authentication outcome
    /// (a failed request, a transport error), whose liability is null at any date.
    pub fn finish(self) -> Normalized {
        self.finish_at(today())
    }

    fn finish_at(mut self, as_of: NaiveDate) -> Normalized {
        let a = &self.auth;
        let mut facts = self.facts.clone();
        facts.authenticated_on = a
            .authenticated_at
            .as_deref()
            .and_then(crate::model::date_of)
            .or(facts.authenticated_on)
            .or(Some(as_of));
        facts.network = facts.network.or(a.network);
        facts.eci = facts.eci.clone().or_else(|| a.eci.clone());
        facts.protocol_version = facts
            .protocol_version
            .clone()
            .or_else(|| a.protocol_version.clone());
        if facts.authentication_value_present.is_none() && a.authentication_value.is_some() {
            facts.authentication_value_present = Some(true);
        }
        facts.challenged = facts.challenged.or(a.challenged);
        if facts.trans_status.is_none() {
            facts.trans_status = a.trans_status.clone();
        }
        if facts.trans_status.is_none() {
            facts.trans_status = implied_trans_status(a.status);
            facts.trans_status_implied = facts.trans_status.is_some();
        }
        let decision = match (self.liability_override.take(), a.status) {
            (Some(decision), _) => decision,
            (None, status) => match status {
                s if !s.is_final() => liability::LiabilityDecision {
                    liability_shift: None,
                    rule: "not_final",
                    source: NOT_FINAL_SOURCE,
                },
                AuthenticationStatus::Error
                | AuthenticationStatus::Unknown
                | AuthenticationStatus::Declined => liability::LiabilityDecision {
                    liability_shift: None,
                    rule: "no_authentication_outcome",
                    source: NO_OUTCOME_SOURCE,
                },
                _ => liability::decide(&facts),
            },
        };
        self.auth.liability_shift = decision.liability_shift;
        Normalized {
            authentication: self.auth,
            explain: Explain {
                document: self.document,
                status_rule: self.status_rule,
                catalog_row: self.catalog_row,
                liability: LiabilityExplain {
                    rule: decision.rule,
                    source: decision.source,
                    facts,
                },
                warnings: self.warnings,
            },
        }
    }
}

const NOT_FINAL_SOURCE: &str =
    "threeds-bridge contract (docs/contract.md, The normalized authentication): liability_shift is null while the authentication is not final";
const NO_OUTCOME_SOURCE: &str =
    "threeds-bridge contract (docs/contract.md, The normalized authentication): an error, an unknown value or a declined payment carries no authentication outcome";

/// The transStatus a final normalized status stands for, used for liability when the PSP
/// reports none (or, for Checkout, reports one that contradicts the status that won).
pub(crate) fn implied_trans_status(status: AuthenticationStatus) -> Option<TransStatus> {
    Some(match status {
        AuthenticationStatus::Authenticated => TransStatus::Y,
        AuthenticationStatus::Attempted => TransStatus::A,
        AuthenticationStatus::Failed => TransStatus::N,
        AuthenticationStatus::Rejected => TransStatus::R,
        AuthenticationStatus::Unavailable => TransStatus::U,
        AuthenticationStatus::Exempted => TransStatus::I,
        _ => return None,
    })
}
