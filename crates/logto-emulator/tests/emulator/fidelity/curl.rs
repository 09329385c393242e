//! Reads the recorded `curl` command lines (shell words with backslash escapes).

/// A request as the recorded command sent it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// Pseudo-header holding `-u id:secret` until it is sent.
pub const BASIC: &str = "x-curl-user";

/// Turns the `-u` pseudo-header into `Authorization: Basic …`.
pub fn basic_auth(headers: &mut [(String, String)]) {
    use base64::Engine;
    for (k, v) in headers.iter_mut().filter(|(k, _)| k == BASIC) {
        *k = "Authorization".into();
        *v = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(v.as_bytes()));
    }
}

/// Splits a shell command line into words, honouring backslash escapes and single/double quotes.
pub fn words(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut in_word) = (Vec::new(), String::new(), false);
    let mut chars = line.trim().chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => cur.push(c),
            (_, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    in_word = true;
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (_, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Parses `curl [options] URL` as the samples use it: `-X`, `-H`, `-u`, `--data`/`-d`/`--data-raw`
/// and `--data-urlencode` (several are joined with `&`, as curl does), and cookie jars (`-b`/`-c`,
/// ignored: the replay drives sign-in through the emulator's own page).
pub fn parse(line: &str) -> Request {
    let words = words(line);
    let mut req = Request { method: String::new(), url: String::new(), headers: vec![], body: None };
    let mut form: Vec<String> = Vec::new();
    let mut it = words.into_iter().skip(1);
    while let Some(w) = it.next() {
        match w.as_str() {
            "-X" | "--request" => req.method = it.next().unwrap_or_default(),
            "-H" | "--header" => {
                if let Some((k, v)) = it.next().unwrap_or_default().split_once(':') {
                    req.headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            // Kept as `id:secret` so recorded ids can be mapped before encoding (see `basic_auth`).
            "-u" | "--user" => req.headers.push((BASIC.into(), it.next().unwrap_or_default())),
            "--data" | "-d" | "--data-raw" => form.push(it.next().unwrap_or_default()),
            "--data-urlencode" => {
                let part = it.next().unwrap_or_default();
                form.push(match part.split_once('=') {
                    Some((k, v)) => format!("{k}={}", form_encode(v)),
                    None => form_encode(&part),
                });
            }
            "-b" | "-c" | "--cookie" | "--cookie-jar" | "-o" => {
                it.next();
            }
            w if w.starts_with("http") => req.url = w.to_string(),
            _ => {}
        }
    }
    if !form.is_empty() {
        // curl's default for -d and --data-urlencode.
        if !req.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            req.headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
        }
        req.body = Some(form.join("&"));
    }
    if req.method.is_empty() {
        req.method = if req.body.is_some() { "POST".into() } else { "GET".into() };
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_escaped_words_and_options() {
        let r = parse(
            r#"curl -X POST http://localhost:3001/api/users -H Content-Type:\ application/json --data \{\"a\":\"b\ c\"\}"#,
        );
        assert_eq!((r.method.as_str(), r.url.as_str()), ("POST", "http://localhost:3001/api/users"));
        assert_eq!(r.headers, [("Content-Type".to_string(), "application/json".to_string())]);
        assert_eq!(r.body.as_deref(), Some(r#"{"a":"b c"}"#));
        let mut f =
            parse("curl -u a:b --data-urlencode scope=x\\ y --data-urlencode resource=https://r http://h/oidc/token");
        assert_eq!(f.body.as_deref(), Some("scope=x+y&resource=https%3A%2F%2Fr"));
        assert_eq!(f.method, "POST");
        basic_auth(&mut f.headers);
        assert_eq!(
            f.headers,
            [
                ("Authorization".to_string(), "Basic YTpi".to_string()),
                ("Content-Type".to_string(), "application/x-www-form-urlencoded".to_string())
            ]
        );
        let several = parse("curl -sv -d grant_type=client_credentials -d scope=all 'http://h/oidc/token'");
        assert_eq!(several.body.as_deref(), Some("grant_type=client_credentials&scope=all"));
    }
}
