//! One meaning per EMV outcome at every PSP.
//!
//! Walks every EMV outcome (transStatus × transStatusReason family) through every PSP whose
//! documents can express it, normalizes the document each PSP would send, and checks that
//! they all give the same `status`, `next_step` and `retry`, the ones [`expected`] states.
//! A PSP that cannot express an outcome says why; a PSP that must differ is a named
//! exception in [`exception`], with the reason.
//!
//! Each PSP's module builds its documents from one of its published documents
//! (`fixtures/<psp>/`), changing only the EMV fields.

mod checkout;
mod mangopay;
mod paysafe;
mod pxp;

use threeds_bridge::{normalize_text, Catalog, Context};

/// One EMV outcome: a final transStatus and, optionally, a transStatusReason.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub trans_status: &'static str,
    pub reason: Option<&'static str>,
}

/// What every PSP must answer for an outcome: (status, next_step, retry).
type Meaning = (&'static str, &'static str, Option<&'static str>);

/// Why a PSP has no document for an outcome, or the document's text.
pub type Built = Result<String, &'static str>;

const OUTCOMES: &[Outcome] = &[
    Outcome {
        trans_status: "Y",
        reason: None,
    },
    Outcome {
        trans_status: "A",
        reason: None,
    },
    Outcome {
        trans_status: "I",
        reason: None,
    },
    Outcome {
        trans_status: "N",
        reason: None,
    },
    Outcome {
        trans_status: "N",
        reason: Some("01"),
    },
    Outcome {
        trans_status: "N",
        reason: Some("04"),
    },
    Outcome {
        trans_status: "N",
        reason: Some("11"),
    },
    Outcome {
        trans_status: "N",
        reason: Some("10"),
    },
    Outcome {
        trans_status: "N",
        reason: Some("13"),
    },
    Outcome {
        trans_status: "N",
        reason: Some("14"),
    },
    Outcome {
        trans_status: "N",
        reason: Some("19"),
    },
    Outcome {
        trans_status: "R",
        reason: None,
    },
    Outcome {
        trans_status: "R",
        reason: Some("11"),
    },
    Outcome {
        trans_status: "U",
        reason: None,
    },
    Outcome {
        trans_status: "U",
        reason: Some("22"),
    },
];

/// The one meaning of an outcome.
fn expected(o: &Outcome) -> Meaning {
    match (o.trans_status, o.reason) {
        ("Y", _) => ("authenticated", "authorize", None),
        ("A", _) => ("attempted", "authorize", None),
        ("I", _) => ("exempted", "authorize", None),
        ("N", Some("14")) => ("expired", "retry_authentication", Some("same_psp")),
        ("N", Some("04" | "19")) => ("failed", "do_not_authorize", Some("later")),
        ("N", Some("10" | "11" | "13")) => ("failed", "do_not_authorize", Some("never")),
        ("N", _) => ("failed", "do_not_authorize", Some("same_psp")),
        ("R", _) => ("rejected", "do_not_authorize", Some("never")),
        ("U", _) => ("unavailable", "authorize_at_own_risk", Some("later")),
        _ => unreachable!("not a final outcome"),
    }
}

/// A PSP that must answer differently, and why.
fn exception(psp: &str, o: &Outcome) -> Option<(Meaning, &'static str)> {
    match (psp, o.trans_status) {
        // Mangopay authorizes in the same call: an outcome that is not Y or A has already
        // failed the pay-in, so there is nothing to authorize, at own risk or otherwise.
        ("mangopay", "N" | "R" | "U") => None,
        _ => None,
    }
}

/// A PSP's document builder.
type Builder = fn(&Outcome) -> Built;

fn builders() -> [(&'static str, Builder); 4] {
    [
        ("checkout", checkout::document),
        ("paysafe", paysafe::document),
        ("mangopay", mangopay::document),
        ("pxp", pxp::document),
    ]
}

#[test]
fn every_psp_gives_each_emv_outcome_the_same_meaning() {
    let catalog = Catalog::builtin().expect("built-in catalog");
    let ctx = Context::new(&catalog);
    let mut problems = Vec::new();
    let mut expressed = 0;
    for o in OUTCOMES {
        for (psp, build) in builders() {
            let text = match build(o) {
                Ok(text) => text,
                Err(_why_not) => continue,
            };
            expressed += 1;
            let n = match normalize_text(&text, None, &ctx) {
                Ok(n) => n.authentication,
                Err(e) => {
                    problems.push(format!("{psp} {o:?}: does not normalize: {e}"));
                    continue;
                }
            };
            let got: (String, String, Option<String>) = (
                n.status.to_string(),
                n.next_step.to_string(),
                n.retry.map(|r| r.to_string()),
            );
            let (want, why) = match exception(psp, o) {
                Some((meaning, why)) => (meaning, why),
                None => (expected(o), "the one EMV meaning"),
            };
            let want_owned = (
                want.0.to_owned(),
                want.1.to_owned(),
                want.2.map(str::to_owned),
            );
            if got != want_owned {
                problems.push(format!(
                    "{psp} {o:?}: got {got:?}, expected {want_owned:?} ({why})"
                ));
            }
        }
    }
    assert!(expressed > 0, "no PSP expressed any outcome");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_psp_expresses_the_outcomes_its_documents_can_carry() {
    // A PSP that reports an EMV transStatus must express every final one; the reasons it
    // cannot carry are named by its builder.
    for (psp, build) in builders() {
        let expressed = OUTCOMES.iter().filter(|o| build(o).is_ok()).count();
        let not: Vec<String> = OUTCOMES
            .iter()
            .filter_map(|o| build(o).err().map(|why| format!("{o:?}: {why}")))
            .collect();
        assert!(
            expressed > 0,
            "{psp} expresses no outcome:\n{}",
            not.join("\n")
        );
    }
}
