//! The HTML pages an ACS shows, and a parser that reads their forms back.
//!
//! The simulators serve real pages: the 3DS Method page posts `threeDSMethodData` back to
//! the merchant, the challenge page asks for a one-time password in a `<form>`, and the
//! result page posts the CRes to the notification URL. Every page works without
//! JavaScript (a submit button), and with it submits itself, as ACS pages do.
//!
//! [`Form::parse_all`] reads forms the way a browser would submit them (action, method,
//! and the name/value of each `<input>` and submit `<button>`), so tests and the demo
//! drive the same HTML a cardholder would.

/// Escapes text for an HTML attribute or element body.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn hidden_inputs(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| {
            format!(
                "    <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                html_escape(name),
                html_escape(value)
            )
        })
        .collect()
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  <title>{}</title>\n</head>\n<body>\n{}</body>\n</html>\n",
        html_escape(title),
        body
    )
}

/// A page that posts `fields` to `action` at once (3DS Method notification, CRes post-back).
pub fn auto_post(title: &str, action: &str, fields: &[(&str, &str)]) -> String {
    page(
        title,
        &format!(
            "  <form id=\"autopost\" method=\"post\" action=\"{}\">\n{}    <noscript><button type=\"submit\">Continue</button></noscript>\n  </form>\n  <script>document.getElementById('autopost').submit();</script>\n",
            html_escape(action),
            hidden_inputs(fields)
        ),
    )
}

/// The challenge page: a one-time-password form with Submit and Cancel buttons.
///
/// Submitting posts `password` and `action=submit` (or `action=cancel`) plus `hidden` to
/// `action`.
pub fn challenge_form(
    title: &str,
    action: &str,
    hidden: &[(&str, &str)],
    prompt: &str,
    hint: &str,
) -> String {
    page(
        title,
        &format!(
            "  <h1>{}</h1>\n  <p>{}</p>\n  <p><small>{}</small></p>\n  <form id=\"challenge\" method=\"post\" action=\"{}\">\n{}    <label for=\"password\">Password</label>\n    <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"one-time-code\">\n    <button type=\"submit\" name=\"action\" value=\"submit\">Submit</button>\n    <button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button>\n  </form>\n",
            html_escape(title),
            html_escape(prompt),
            html_escape(hint),
            html_escape(action),
            hidden_inputs(hidden)
        ),
    )
}

/// A plain message page (challenge already finished, unknown transaction, ...).
pub fn message(title: &str, text: &str) -> String {
    page(
        title,
        &format!(
            "  <h1>{}</h1>\n  <p>{}</p>\n",
            html_escape(title),
            html_escape(text)
        ),
    )
}

/// A form as a browser would submit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub id: Option<String>,
    pub method: String,
    pub action: String,
    /// `<input>` names and values in document order (text inputs without a value give "").
    pub fields: Vec<(String, String)>,
    /// Submit buttons: name and value.
    pub buttons: Vec<(String, String)>,
}

impl Form {
    /// Every `<form>` in `html`, in order.
    pub fn parse_all(html: &str) -> Vec<Form> {
        let mut forms = Vec::new();
        let mut rest = html;
        while let Some(start) = find_tag(rest, "form") {
            let after = &rest[start..];
            let Some(open_end) = after.find('>') else {
                break;
            };
            let attrs = attributes(&after[5..open_end]);
            let body_start = open_end + 1;
            let body_end = after[body_start..]
                .find("</form")
                .map_or(after.len(), |i| body_start + i);
            let body = &after[body_start..body_end];
            forms.push(Form {
                id: attr(&attrs, "id"),
                method: attr(&attrs, "method")
                    .unwrap_or_else(|| "get".into())
                    .to_ascii_lowercase(),
                action: attr(&attrs, "action").unwrap_or_default(),
                fields: tags(body, "input")
                    .into_iter()
                    .filter(|a| !matches!(attr(a, "type").as_deref(), Some("submit" | "button")))
                    .filter_map(|a| {
                        Some((attr(&a, "name")?, attr(&a, "value").unwrap_or_default()))
                    })
                    .collect(),
                buttons: tags(body, "button")
                    .into_iter()
                    .filter_map(|a| {
                        Some((attr(&a, "name")?, attr(&a, "value").unwrap_or_default()))
                    })
                    .collect(),
            });
            rest = &after[body_end..];
        }
        forms
    }

    /// The value of field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets field `name` (adding it if absent), as typing into it would.
    pub fn fill(&mut self, name: &str, value: &str) {
        match self.fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_owned(),
            None => self.fields.push((name.to_owned(), value.to_owned())),
        }
    }

    /// The `application/x-www-form-urlencoded` body a browser sends when the button with
    /// value `button` is pressed (no button pair when `None`).
    pub fn submission(&self, button: Option<&str>) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        if let Some(pressed) = button {
            if let Some((n, v)) = self.buttons.iter().find(|(_, v)| v == pressed) {
                pairs.push((n.as_str(), v.as_str()));
            }
        }
        crate::http::encode_form(pairs)
    }
}

fn find_tag(html: &str, name: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let needle = format!("<{name}");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&needle) {
        let at = from + i;
        let next = lower.as_bytes().get(at + needle.len()).copied();
        if matches!(next, Some(b' ' | b'>' | b'\n' | b'\t' | b'/')) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

fn tags(html: &str, name: &str) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = find_tag(rest, name) {
        let after = &rest[start + name.len() + 1..];
        let end = after.find('>').unwrap_or(after.len());
        out.push(attributes(&after[..end]));
        rest = &after[end..];
    }
    out
}

fn attr(attrs: &[(String, String)], name: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

/// Parses `name="value" name='value' name=value name` attribute lists.
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == '/') {
            i += 1;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '=' && chars[i] != '/' {
            i += 1;
        }
        if start == i {
            i += 1;
            continue;
        }
        let name: String = chars[start..i].iter().collect();
        let mut value = String::new();
        if i < chars.len() && chars[i] == '=' {
            i += 1;
            if i < chars.len() && (chars[i] == '"' || chars[i] == '\'') {
                let quote = chars[i];
                i += 1;
                let v_start = i;
                while i < chars.len() && chars[i] != quote {
                    i += 1;
                }
                value = chars[v_start..i].iter().collect();
                i += 1;
            } else {
                let v_start = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                value = chars[v_start..i].iter().collect();
            }
        }
        out.push((name.to_ascii_lowercase(), unescape(&value)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_form_round_trips_through_the_parser() {
        let html = challenge_form(
            "ACS",
            "/acs/challenge?t=1&u=\"2\"",
            &[("creq", "eyJ4Ijoi<>"), ("threeDSSessionData", "abc")],
            "Enter the code",
            "Password: Checkout1!",
        );
        let forms = Form::parse_all(&html);
        assert_eq!(forms.len(), 1);
        let mut form = forms[0].clone();
        assert_eq!(form.method, "post");
        assert_eq!(form.action, "/acs/challenge?t=1&u=\"2\"");
        assert_eq!(form.field("creq"), Some("eyJ4Ijoi<>"));
        assert_eq!(form.field("password"), Some(""));
        form.fill("password", "Checkout1!");
        assert_eq!(
            form.submission(Some("submit")),
            "creq=eyJ4Ijoi%3C%3E&threeDSSessionData=abc&password=Checkout1%21&action=submit"
        );
        assert!(form.submission(Some("cancel")).ends_with("action=cancel"));
    }

    #[test]
    fn auto_post_page_has_one_form_with_the_fields() {
        let html = auto_post("Done", "https://merchant.example/cres", &[("cres", "e30")]);
        let forms = Form::parse_all(&html);
        assert_eq!(forms.len(), 1);
        assert_eq!(forms[0].action, "https://merchant.example/cres");
        assert_eq!(forms[0].fields, vec![("cres".to_owned(), "e30".to_owned())]);
    }

    #[test]
    fn parser_survives_broken_html() {
        for html in [
            "<form",
            "<form action=",
            "<form><input name='a' value='b",
            "<formx>",
            "",
        ] {
            let _ = Form::parse_all(html);
        }
        assert_eq!(
            Form::parse_all("<FORM ACTION=x METHOD=POST><INPUT NAME=a VALUE=b></FORM>")[0].fields,
            vec![("a".to_owned(), "b".to_owned())]
        );
    }
}
