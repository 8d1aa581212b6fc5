//! `report --html FILE`: the report as one self-contained page.
//!
//! Inline CSS and inline SVG only: no script, no style sheet, font or image from anywhere,
//! no URL at all, so the page opens the same from a file, a mail attachment or a closed
//! network. Every value that comes from the input (ids, references, PSP status words,
//! file names) is escaped with the sandbox pages' `html_escape`; the page holds counts and
//! excerpts only, never an authentication value.

use super::svg::{bar_chart, Group, Series};
use super::{Metrics, Rate, Report};
use std::collections::BTreeMap;
use std::fmt::Write;
use threeds_wire::sandbox::html_escape;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#1b1f24;line-height:1.4}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
p.meta{color:#57606a;margin-top:0}
figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:6px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:right}td{white-space:nowrap}td .n{color:#57606a;font-size:11px}
.scroll{overflow-x:auto;max-width:100%}
th:first-child,td:first-child{text-align:left}th{background:#f6f8fa}
td.text{text-align:left;white-space:normal;word-break:break-all}
.chart{display:block;max-width:100%;height:auto}
.chart .legend{font-size:12px}.chart .tick{font-size:11px;text-anchor:end;fill:#57606a}
.chart .grid{stroke:#e5e7eb}.chart .axis{stroke:#1b1f24}
.chart .value{font-size:10px;text-anchor:middle}.chart .na{fill:#8c959f}
.chart .group{font-size:13px;text-anchor:middle;font-weight:600}
dl{font-size:13px}dt{font-weight:600;margin-top:6px}dd{margin-left:16px}";

const OUTCOME_SERIES: [Series; 4] = [
    Series {
        name: "frictionless",
        color: "#2e7d32",
    },
    Series {
        name: "challenge",
        color: "#1565c0",
    },
    Series {
        name: "failure",
        color: "#c62828",
    },
    Series {
        name: "abandonment",
        color: "#ef6c00",
    },
];

const LIABILITY_SERIES: [Series; 1] = [Series {
    name: "liability shifted",
    color: "#6a1b9a",
}];

/// The rates the outcome chart draws, in [`OUTCOME_SERIES`] order.
fn outcome_rates(m: &Metrics) -> Vec<Rate> {
    vec![m.frictionless, m.challenge_rate, m.failure, m.abandonment]
}

/// The page for `report`; `sources` names the inputs (file names, escaped here).
pub fn render_html(report: &Report, sources: &[String]) -> String {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>3-D Secure performance report</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<h1>3-D Secure performance report</h1>\n<p class=\"meta\">{} records from {}; {} could not be read; {} repeat a PSP id already counted. Liability decided at each record's own date, else {}.</p>\n",
        report.records,
        html_escape(&describe_sources(sources)),
        report.bad_records,
        report.repeated_ids,
        html_escape(&report.as_of),
    );
    page.push_str("<h2>Overall</h2>\n");
    page.push_str(&metrics_table(
        "All records",
        "group",
        &[("all", &report.overall)],
    ));

    let providers: Vec<(&str, &Metrics)> =
        report.by_provider.iter().map(|(k, m)| (*k, m)).collect();
    page.push_str("<h2>Per PSP</h2>\n");
    let groups: Vec<Group> = providers
        .iter()
        .map(|(k, m)| Group {
            label: k,
            rates: outcome_rates(m),
        })
        .collect();
    figure(
        &mut page,
        "Frictionless, challenge, failure and abandonment rates per PSP",
        bar_chart(
            "outcomes-by-psp",
            "Frictionless, challenge, failure and abandonment rates per PSP",
            "One group of four bars per PSP; each bar is a share of the PSP's records with a final status.",
            &OUTCOME_SERIES,
            &groups,
        ),
        rate_table(&providers, &OUTCOME_SERIES, outcome_rates),
    );
    let groups: Vec<Group> = providers
        .iter()
        .map(|(k, m)| Group {
            label: k,
            rates: vec![m.liability_shift],
        })
        .collect();
    figure(
        &mut page,
        "Liability-shift coverage per PSP",
        bar_chart(
            "liability-by-psp",
            "Liability-shift coverage per PSP",
            "One bar per PSP: the share of its records with a final status whose liability shifted to the issuer.",
            &LIABILITY_SERIES,
            &groups,
        ),
        rate_table(&providers, &LIABILITY_SERIES, |m| vec![m.liability_shift]),
    );
    page.push_str(&metrics_table("All metrics per PSP", "PSP", &providers));
    page.push_str(&status_table(
        "Records per status and PSP",
        &report.by_provider,
    ));

    let networks: Vec<(&str, &Metrics)> = report.by_network.iter().map(|(k, m)| (*k, m)).collect();
    page.push_str("<h2>Per card network</h2>\n");
    page.push_str(&metrics_table(
        "All metrics per card network",
        "network",
        &networks,
    ));
    let channels: Vec<(&str, &Metrics)> = report.by_channel.iter().map(|(k, m)| (*k, m)).collect();
    page.push_str("<h2>Per channel</h2>\n<p>The normalized authentication does not carry the device channel (browser, app, 3RI), so every record is <code>not_reported</code>.</p>\n");
    page.push_str(&metrics_table(
        "All metrics per channel",
        "channel",
        &channels,
    ));

    unknown_table(&mut page, report);
    page.push_str(DEFINITIONS);
    page.push_str("</body>\n</html>\n");
    page
}

/// The inputs in a few words: up to three names, then how many more.
fn describe_sources(sources: &[String]) -> String {
    const NAMED: usize = 3;
    let named = sources
        .iter()
        .take(NAMED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    match sources.len() {
        n if n > NAMED => format!("{n} files ({named} and {} more)", n - NAMED),
        1 => named,
        n => format!("{n} files ({named})"),
    }
}

fn figure(page: &mut String, caption: &str, svg: String, table: String) {
    let _ = write!(
        page,
        "<figure>\n<figcaption>{}</figcaption>\n{svg}\n{table}</figure>\n",
        html_escape(caption)
    );
}

/// The chart's numbers as a table (its text fallback).
fn rate_table(
    rows: &[(&str, &Metrics)],
    series: &[Series],
    rates: fn(&Metrics) -> Vec<Rate>,
) -> String {
    let mut t = String::from("<table class=\"fallback\">\n<tr><th scope=\"col\">PSP</th>");
    for s in series {
        let _ = write!(t, "<th scope=\"col\">{}</th>", html_escape(s.name));
    }
    t.push_str("</tr>\n");
    for (key, m) in rows {
        let _ = write!(t, "<tr><th scope=\"row\">{}</th>", html_escape(key));
        for r in rates(m) {
            let _ = write!(t, "<td>{}</td>", cell(&r));
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

/// A rate's cell: the percent, and the exact fraction under it.
fn cell(r: &Rate) -> String {
    format!(
        "{}<br><span class=\"n\">{}/{}</span>",
        r.percent(),
        r.count,
        r.of
    )
}

const METRIC_COLUMNS: [&str; 13] = [
    "volume",
    "outcomes",
    "in progress",
    "frictionless",
    "challenge",
    "challenge not reported",
    "challenge success",
    "abandonment",
    "failure",
    "attempted",
    "exempted",
    "liability shift",
    "unknown",
];

fn metrics_table(caption: &str, key: &str, rows: &[(&str, &Metrics)]) -> String {
    let mut t = format!(
        "<div class=\"scroll\"><table>\n<caption>{}</caption>\n<tr><th scope=\"col\">{}</th>",
        html_escape(caption),
        html_escape(key)
    );
    for c in METRIC_COLUMNS {
        let _ = write!(t, "<th scope=\"col\">{c}</th>");
    }
    t.push_str("</tr>\n");
    for (key, m) in rows {
        let _ = write!(
            t,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td>",
            html_escape(key),
            m.volume,
            m.outcomes,
            m.in_progress
        );
        for r in [
            m.frictionless,
            m.challenge_rate,
            Rate::new(m.challenge.not_reported, m.outcomes),
            m.challenge_success,
            m.abandonment,
            m.failure,
            m.attempted,
            m.exempted,
            m.liability_shift,
            m.unknown,
        ] {
            let _ = write!(t, "<td>{}</td>", cell(&r));
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table></div>\n");
    t
}

fn status_table(caption: &str, groups: &BTreeMap<&'static str, Metrics>) -> String {
    let mut t = format!(
        "<table>\n<caption>{}</caption>\n<tr><th scope=\"col\">status</th>",
        html_escape(caption)
    );
    for key in groups.keys() {
        let _ = write!(t, "<th scope=\"col\">{}</th>", html_escape(key));
    }
    t.push_str("</tr>\n");
    let statuses = crate::model::AuthenticationStatus::ALL;
    for s in statuses {
        let _ = write!(t, "<tr><th scope=\"row\">{}</th>", s.as_str());
        for m in groups.values() {
            let n = m.statuses.get(s.as_str()).copied().unwrap_or(0);
            let _ = write!(t, "<td>{n}</td>");
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

fn unknown_table(page: &mut String, report: &Report) {
    let total = report.overall.statuses.get("unknown").copied().unwrap_or(0);
    let _ = write!(
        page,
        "<h2>Records with status unknown</h2>\n<p>{total} records carry a value this version does not know; they are counted as unknown, never as a success. The first {} are listed for investigation.</p>\n",
        report.unknown_records.len()
    );
    if report.unknown_records.is_empty() {
        return;
    }
    page.push_str("<table>\n<tr><th scope=\"col\">where</th><th scope=\"col\">PSP</th><th scope=\"col\">id</th><th scope=\"col\">reference</th><th scope=\"col\">PSP status</th><th scope=\"col\">PSP code</th></tr>\n");
    let text = |v: &Option<String>| v.as_deref().map_or_else(|| "–".to_owned(), html_escape);
    for u in &report.unknown_records {
        let _ = writeln!(
            page,
            "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
            html_escape(&u.place),
            html_escape(u.provider),
            text(&u.id),
            text(&u.reference),
            text(&u.raw_status),
            text(&u.raw_code),
        );
    }
    page.push_str("</table>\n");
}

const DEFINITIONS: &str = "<h2>Definitions</h2>
<dl>
<dt>volume</dt><dd>every record of the group (one normalized PSP document each).</dd>
<dt>in progress</dt><dd>records with status pending or challenge_required; in the volume, in no rate.</dd>
<dt>outcomes</dt><dd>volume minus in progress: the denominator of every rate except challenge success. Errors and unknown values are outcomes.</dd>
<dt>frictionless</dt><dd>outcomes authenticated or attempted with challenged false, of outcomes.</dd>
<dt>challenge</dt><dd>outcomes with challenged true, of outcomes. Outcomes whose PSP does not say whether it challenged are counted in neither frictionless nor challenge.</dd>
<dt>challenge not reported</dt><dd>outcomes with challenged null (the PSP does not say), of outcomes.</dd>
<dt>challenge success</dt><dd>outcomes with challenged true and status authenticated, of outcomes with challenged true.</dd>
<dt>abandonment</dt><dd>outcomes expired (the session or challenge timed out or was abandoned), of outcomes.</dd>
<dt>failure</dt><dd>outcomes failed (EMV N) or rejected (EMV R), of outcomes.</dd>
<dt>attempted</dt><dd>outcomes attempted (EMV A), of outcomes.</dd>
<dt>exempted</dt><dd>outcomes exempted (EMV I, or an exemption honoured), of outcomes.</dd>
<dt>liability shift</dt><dd>outcomes with liability_shift true, of outcomes.</dd>
<dt>unknown</dt><dd>outcomes unknown, of outcomes.</dd>
</dl>
";
