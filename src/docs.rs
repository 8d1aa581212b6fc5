//! Markdown tables generated from the data that drives the bridge (catalogs and liability
//! rules), so `docs/catalogs.md` and `docs/liability.md` cannot drift from the code:
//! `tests/docs.rs` compares them.

use crate::catalog::Catalog;
use crate::liability::{Cavv, Cond, NetworkSel, Protocol, Ymd, RULES};
use crate::model::Provider;

/// The catalog of `provider` as a Markdown table.
pub fn catalog_markdown(catalog: &Catalog, provider: Provider) -> String {
    let mut out = String::from("| table | code | PSP message | status | reason | next step | retry |\n|---|---|---|---|---|---|---|\n");
    for e in catalog.rows(provider) {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |\n",
            e.table,
            e.code,
            cell(&e.message),
            e.status
                .map_or("(from state)".to_owned(), |s| format!("`{s}`")),
            e.reason
                .as_deref()
                .map_or("-".to_owned(), |r| format!("`{r}`")),
            e.next_step.map_or("-".to_owned(), |s| format!("`{s}`")),
            e.retry.map_or("-".to_owned(), |r| format!("`{r}`")),
        ));
    }
    out
}

/// The liability rules as a Markdown table, in the order they are tried.
pub fn liability_markdown() -> String {
    let mut out = String::from("| rule | network | protocol | transStatus | enrollment | ECI | CAVV | exemption | in force | liability shift |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.id,
            network(r.network),
            match r.protocol {
                Protocol::Any => "any",
                Protocol::V2 => "2.x",
                Protocol::V1 => "1.0.2",
            },
            cond(r.trans_status),
            cond(r.enrollment),
            cond(r.eci),
            match r.cavv {
                Cavv::Any => "any",
                Cavv::Present => "present",
                Cavv::NotPresent => "not present",
            },
            match r.exemption {
                None => "any",
                Some(true) => "applied",
                Some(false) => "none",
            },
            in_force(r.from, r.until),
            match r.liability_shift {
                Some(true) => "**issuer**",
                Some(false) => "merchant",
                None => "null",
            },
        ));
    }
    out
}

fn network(n: NetworkSel) -> &'static str {
    match n {
        NetworkSel::All => "any",
        NetworkSel::Unknown => "unknown",
        NetworkSel::Visa => "Visa",
        NetworkSel::Mastercard => "Mastercard, Maestro",
        NetworkSel::Amex => "Amex",
        NetworkSel::DiscoverDiners => "Discover, Diners",
        NetworkSel::Jcb => "JCB",
        NetworkSel::Unionpay => "UnionPay",
        NetworkSel::CartesBancaires => "Cartes Bancaires",
    }
}

fn cond(c: Cond) -> String {
    match c {
        Cond::Any => "any".to_owned(),
        Cond::Absent => "absent".to_owned(),
        Cond::OneOf(v) => v.join(", "),
        Cond::AbsentOr(v) => format!("{} or absent", v.join(", ")),
    }
}

/// `from 2021-10-16`, `until 2022-10-15` (exclusive), both, or `always`.
fn in_force(from: Option<Ymd>, until: Option<Ymd>) -> String {
    let day = |d: Ymd| format!("{:04}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100);
    match (from, until) {
        (None, None) => "always".to_owned(),
        (Some(f), None) => format!("from {}", day(f)),
        (None, Some(u)) => format!("before {}", day(u)),
        (Some(f), Some(u)) => format!("{} to before {}", day(f), day(u)),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Replaces the text between `<!-- generated:NAME -->` and `<!-- end:NAME -->` in `doc`.
/// Returns `None` when the markers are missing.
pub fn replace_section(doc: &str, name: &str, body: &str) -> Option<String> {
    let start_marker = format!("<!-- generated:{name} -->\n");
    let end_marker = format!("<!-- end:{name} -->");
    let start = doc.find(&start_marker)? + start_marker.len();
    let end = start + doc[start..].find(&end_marker)?;
    Some(format!("{}{}{}", &doc[..start], body, &doc[end..]))
}
