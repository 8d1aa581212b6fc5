//! Inline SVG bar charts of rates, drawn as text: no script, no font or image to fetch.
//!
//! Each chart is `role="img"` with a `<title>` and a `<desc>`, every bar carries its own
//! `<title>` (a tooltip, and what a screen reader reads), and the page puts the same
//! numbers in a table beside it. A rate with no denominator has no bar, only `n/a`.
//!
//! The `<svg>` has no `xmlns`: the HTML parser puts inline SVG in its namespace itself, and
//! the page then holds no URL at all, which its test checks.

use super::Rate;
use std::fmt::Write;
use threeds_wire::sandbox::html_escape;

const BAR: f64 = 34.0;
const GAP: f64 = 30.0;
/// The narrowest group, so that one-bar groups leave room for their label.
const MIN_GROUP: f64 = 110.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 48.0;
const PLOT: f64 = 220.0;
const BOTTOM: f64 = 44.0;

/// One series of bars: its name (in the legend and each bar's title) and colour.
pub struct Series {
    pub name: &'static str,
    pub color: &'static str,
}

/// One group of bars (a PSP): its label and one rate per series.
pub struct Group<'a> {
    pub label: &'a str,
    pub rates: Vec<Rate>,
}

fn share(rate: &Rate) -> Option<f64> {
    // The height is the exact fraction; the label is the rounded percent.
    (rate.of > 0).then(|| rate.count as f64 / rate.of as f64)
}

/// A grouped bar chart of rates (0 to 100 %). `id` is unique on the page; `title` and
/// `desc` are plain text (escaped here).
pub fn bar_chart(id: &str, title: &str, desc: &str, series: &[Series], groups: &[Group]) -> String {
    let per_group = (BAR * series.len() as f64 + GAP).max(MIN_GROUP);
    let width = LEFT + per_group * groups.len().max(1) as f64 + RIGHT;
    let height = TOP + PLOT + BOTTOM;
    let base = TOP + PLOT;
    let mut svg = String::new();
    let (id, title, desc) = (html_escape(id), html_escape(title), html_escape(desc));
    let _ = write!(
        svg,
        "<svg class=\"chart\" id=\"{id}\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{title}</title>\n<desc id=\"{id}-desc\">{desc}</desc>\n"
    );
    // The legend, one swatch per series, along the top.
    let mut x = LEFT;
    for s in series {
        let _ = writeln!(
            svg,
            "<rect x=\"{x:.1}\" y=\"12\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"22\" class=\"legend\">{}</text>",
            s.color,
            x + 16.0,
            html_escape(s.name)
        );
        x += 16.0 + 7.5 * s.name.chars().count() as f64 + 18.0;
    }
    // The grid and the axis.
    for percent in [0u32, 25, 50, 75, 100] {
        let y = base - PLOT * f64::from(percent) / 100.0;
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"tick\">{percent}%</text>",
            width - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{base}\" class=\"axis\"/>"
    );
    for (g, group) in groups.iter().enumerate() {
        let bars = BAR * series.len() as f64;
        let left = LEFT + (per_group - bars) / 2.0 + per_group * g as f64;
        let label = html_escape(group.label);
        for (s, (rate, series)) in group.rates.iter().zip(series).enumerate() {
            let x = left + BAR * s as f64;
            let name = html_escape(series.name);
            let percent = rate.percent();
            match share(rate) {
                Some(v) => {
                    let h = PLOT * v.clamp(0.0, 1.0);
                    let _ = writeln!(
                        svg,
                        "<rect class=\"bar\" data-group=\"{label}\" data-series=\"{name}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{label}, {name}: {percent} ({} of {})</title></rect><text x=\"{:.1}\" y=\"{:.1}\" class=\"value\">{percent}</text>",
                        x + 1.0,
                        base - h,
                        BAR - 2.0,
                        series.color,
                        rate.count,
                        rate.of,
                        x + BAR / 2.0,
                        base - h - 4.0,
                    );
                }
                None => {
                    let _ = writeln!(
                        svg,
                        "<text x=\"{:.1}\" y=\"{:.1}\" class=\"value na\">n/a</text>",
                        x + BAR / 2.0,
                        base - 4.0
                    );
                }
            }
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"group\">{label}</text>",
            left + bars / 2.0,
            base + 20.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERIES: [Series; 2] = [
        Series {
            name: "a",
            color: "#000",
        },
        Series {
            name: "b<",
            color: "#111",
        },
    ];

    #[test]
    fn a_rate_without_denominator_draws_no_bar_and_labels_are_escaped() {
        let groups = [
            Group {
                label: "x&y",
                rates: vec![Rate::new(1, 4), Rate::new(0, 0)],
            },
            Group {
                label: "z",
                rates: vec![Rate::new(0, 3), Rate::new(3, 3)],
            },
        ];
        let svg = bar_chart("c", "T<", "D", &SERIES, &groups);
        assert_eq!(svg.matches("class=\"bar\"").count(), 3, "{svg}");
        assert_eq!(svg.matches(">n/a<").count(), 1);
        assert!(svg.contains("<title id=\"c-title\">T&lt;</title>"));
        assert!(svg.contains("data-group=\"x&amp;y\" data-series=\"a\""));
        assert!(svg.contains("x&amp;y, a: 25.0% (1 of 4)"));
        assert!(svg.contains("data-series=\"b&lt;\""));
        assert!(!svg.contains("x&y") && !svg.contains("b<\""));
        // A full bar is the plot's height; an empty one has none.
        assert!(svg.contains(&format!("height=\"{PLOT:.1}\"")));
        assert!(svg.contains("height=\"0.0\""));
    }
}
