//! Reads a recorded `curl -v` exchange: the response status, headers and raw body.

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }
}

pub fn parse(text: &str) -> Response {
    // Two recording formats: the first batch marks the body with a `--- body` line; the second is raw
    // `curl -sv` output, whose response body follows the last `{ [N bytes data]` line.
    let (head, body) = match text.find("\n--- body") {
        Some(i) => {
            let rest = &text[i + 1..];
            let body = rest.split_once('\n').map(|(_, b)| b).unwrap_or("");
            (&text[..i], body.strip_suffix('\n').unwrap_or(body).to_string())
        }
        None => {
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.iter().rposition(|l| l.starts_with("{ [") && l.ends_with("bytes data]"));
            let body = start
                .map(|i| lines[i + 1..].iter().filter(|l| !l.starts_with("* ")).copied().collect::<Vec<_>>().join("\n"))
                .unwrap_or_default();
            (text, body)
        }
    };
    let mut status = 0;
    let mut headers = Vec::new();
    for line in head.lines() {
        let Some(line) = line.strip_prefix("< ") else { continue };
        if let Some(rest) = line.strip_prefix("HTTP/") {
            // A later status line (after a 100 Continue) wins.
            status = rest.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
            headers.clear();
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Response { status, headers, body }
}
