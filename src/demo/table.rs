//! The demo's result table.

use super::Run;
use crate::model::Provider;

/// One table row: which PSP and scenario, and how it ended.
pub struct Row<'a> {
    pub provider: Provider,
    pub scenario: &'a str,
    pub run: &'a Run,
}

const HEADERS: [&str; 9] = [
    "PSP",
    "scenario",
    "status",
    "trans",
    "ECI",
    "liability shift",
    "next step",
    "reason",
    "calls",
];

/// Renders rows as an aligned plain-text table.
pub fn render(rows: &[Row<'_>]) -> String {
    let cells: Vec<[String; 9]> = rows
        .iter()
        .map(|r| {
            let a = &r.run.outcome.authentication;
            let opt = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
            [
                r.provider.to_string(),
                r.scenario.to_owned(),
                a.status.to_string(),
                opt(a.trans_status.as_ref().map(|t| t.as_str().to_owned())),
                opt(a.eci.as_ref().map(|e| e.as_str().to_owned())),
                match a.liability_shift {
                    Some(true) => "yes".to_owned(),
                    Some(false) => "no".to_owned(),
                    None => "-".to_owned(),
                },
                a.next_step.to_string(),
                opt(a.reason.clone()),
                r.run.calls.join(" > "),
            ]
        })
        .collect();
    let mut widths = HEADERS.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |values: &[String]| {
        let mut out = String::new();
        for (i, (v, w)) in values.iter().zip(widths).enumerate() {
            if i + 1 == values.len() {
                out.push_str(v);
            } else {
                out.push_str(&format!("{v:<w$}  "));
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(&HEADERS.map(str::to_owned));
    out.push_str(&line(&widths.map(|w| "-".repeat(w))));
    for row in &cells {
        out.push_str(&line(row));
    }
    out
}
