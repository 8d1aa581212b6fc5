//! `--html FILE`: success rate over time through the outage, both runs, on one page.
//!
//! One self-contained XHTML page: an inline SVG chart (no script, no style sheet, no
//! font or image from the network), the outage window shaded, both axes labelled, and the
//! two reports as a table. It is well-formed XML, so it can be checked with any XML
//! parser as well as opened in a browser.

use super::{series, window_width, RunReport, Simulation};
use threeds_wire::sandbox::html_escape;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 56.0;

/// The page for `simulation`; `title` names the config.
pub fn render(simulation: &Simulation, title: &str) -> String {
    let n = simulation.plan.authentications;
    let width = window_width(n);
    let with = series(&simulation.with_failover.seen, width);
    let without = series(&simulation.without_failover.seen, width);
    let title = html_escape(title);
    format!(
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>simulate-routing: {title}</title>\n</head>\n<body style=\"font-family: sans-serif; margin: 24px;\">\n<h1 style=\"font-size: 18px;\">Routed authentications through an outage: {title}</h1>\n<p>{plan}</p>\n{svg}\n{table}\n<p style=\"color: #555; font-size: 12px;\">Counted from the sandbox's own records (authentications, sessions and pay-ins it created; requests it received), not from the router's account of its attempts. Success: the last object the PSP created for the authentication ended authenticated or attempted.</p>\n</body>\n</html>\n",
        plan = html_escape(&describe(simulation)),
        svg = chart(n, width, &with, &without, simulation),
        table = table(
            &simulation.with_failover.report,
            &simulation.without_failover.report
        ),
    )
}

/// The plan in one sentence.
pub fn describe(simulation: &Simulation) -> String {
    let plan = &simulation.plan;
    let outage = match &plan.outage {
        None => "no outage".to_owned(),
        Some(o) => {
            let (first, last) = o.span(plan.authentications);
            format!(
                "account {} {} for authentications {first} to {last}",
                o.account, o.mode
            )
        }
    };
    format!(
        "{} authentications, {outage}, random faults at rate {} (seed {})",
        plan.authentications, plan.fault_rate, plan.seed
    )
}

fn x_of(index: f64, n: usize) -> f64 {
    let span = (n.max(1)) as f64;
    LEFT + (WIDTH - LEFT - RIGHT) * (index / span)
}

fn y_of(percent: f64) -> f64 {
    TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - percent.clamp(0.0, 100.0) / 100.0)
}

/// The points of one series: each window's rate at the middle of its authentications.
fn points(values: &[f64], width: usize, n: usize) -> String {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let first = (i * width) as f64;
            let last = ((i + 1) * width).min(n) as f64;
            format!("{:.1},{:.1}", x_of((first + last) / 2.0, n), y_of(*v))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn chart(n: usize, width: usize, with: &[f64], without: &[f64], s: &Simulation) -> String {
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"success rate over time\">\n"
    );
    if let Some(outage) = &s.plan.outage {
        let (first, last) = outage.span(n);
        let (x0, x1) = (x_of(first as f64 - 1.0, n), x_of(last as f64, n));
        svg.push_str(&format!(
            "<rect id=\"outage\" x=\"{x0:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#f4cccc\"><title>outage of {}: authentications {first} to {last}</title></rect>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#a33\">outage: {}</text>\n",
            (x1 - x0).max(1.0),
            HEIGHT - TOP - BOTTOM,
            html_escape(&outage.account),
            (x0 + x1) / 2.0,
            TOP + 12.0,
            html_escape(&outage.account),
        ));
    }
    // Axes, grid and ticks.
    let (x_end, y_end) = (WIDTH - RIGHT, HEIGHT - BOTTOM);
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{y_end}\" x2=\"{x_end}\" y2=\"{y_end}\" stroke=\"#000\"/>\n<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{y_end}\" stroke=\"#000\"/>\n"
    ));
    for percent in [0, 25, 50, 75, 100] {
        let y = y_of(f64::from(percent));
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{x_end}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{percent}%</text>\n",
            LEFT - 6.0,
            y + 4.0
        ));
    }
    let step = n.div_ceil(5).max(1);
    let mut tick = 0;
    while tick <= n {
        let x = x_of(tick as f64, n);
        svg.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{y_end}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#000\"/>\n<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{tick}</text>\n",
            y_end + 4.0,
            y_end + 16.0
        ));
        tick += step;
    }
    svg.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">authentication (in windows of {width})</text>\n<text x=\"16\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 {:.1})\">success rate (authenticated or attempted)</text>\n",
        (LEFT + x_end) / 2.0,
        HEIGHT - 16.0,
        (TOP + y_end) / 2.0,
        (TOP + y_end) / 2.0,
    ));
    for (id, label, color, dash, values) in [
        ("with_failover", "with failover", "#1f6feb", "", with),
        (
            "without_failover",
            "without failover",
            "#d1242f",
            " stroke-dasharray=\"6 4\"",
            without,
        ),
    ] {
        svg.push_str(&format!(
            "<polyline id=\"{id}\" class=\"series\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\"{}\"><title>{label}</title></polyline>\n",
            points(values, width, n)
        ));
    }
    let legend_x = x_end + 12.0;
    for (i, (label, color, dash)) in [
        ("with failover", "#1f6feb", ""),
        ("without failover", "#d1242f", " stroke-dasharray=\"6 4\""),
    ]
    .iter()
    .enumerate()
    {
        let y = TOP + 16.0 + 20.0 * i as f64;
        svg.push_str(&format!(
            "<line x1=\"{legend_x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>\n<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{label}</text>\n",
            legend_x + 24.0,
            legend_x + 30.0,
            y + 4.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn table(with: &RunReport, without: &RunReport) -> String {
    let rows = super::rows(with, without);
    let mut out = String::from(
        "<table style=\"border-collapse: collapse; margin-top: 16px;\" border=\"1\" cellpadding=\"4\">\n<tr><th></th><th>with failover</th><th>without failover</th></tr>\n",
    );
    for (label, a, b) in rows {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            html_escape(label),
            html_escape(&a),
            html_escape(&b)
        ));
    }
    out.push_str("</table>");
    out
}
