//! The `search` query of Logto's list routes (users, roles, applications, scopes, and the lists
//! under a role, a user or an application), as `packages/core/src/utils/search.ts` parses it:
//! `search` (every field) and `search.<field>` values, `mode` / `mode.<field>` (`exact`, `like`,
//! `similar_to`, `posix`), `joint` (`or` | `and`), `isCaseSensitive`.
//!
//! `like` is SQL `LIKE` (explicit `%` wildcards), `similar_to` SQL `SIMILAR TO`, `posix`
//! PostgreSQL's `~` (its lookahead included). Errors are Logto's `request.invalid_input`, in fixed
//! words: the query's own text is never echoed.

use fancy_regex::Regex;

use crate::error::ApiError;
use crate::request::Params;

/// A regular expression longer than this is refused: PostgreSQL would take it, but it costs the
/// emulator a compile per request.
const MAX_PATTERN: usize = 1024;

/// Backtracking steps one value may cost a lookaround pattern (patterns without lookaround run on
/// regex-automata, in linear time). A legitimate pattern over a field of at most a few hundred
/// characters needs far fewer; a hostile one stops here and counts as no match.
const BACKTRACK_LIMIT: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Exact,
    Like,
    SimilarTo,
    Posix,
}

fn parse_mode(value: &str) -> Result<Mode, ApiError> {
    match value {
        "exact" => Ok(Mode::Exact),
        "like" => Ok(Mode::Like),
        "similar_to" => Ok(Mode::SimilarTo),
        "posix" => Ok(Mode::Posix),
        _ => Err(ApiError::invalid_input(
            "Search match mode is not valid, expect one of exact, like, similar_to, posix.",
        )),
    }
}

#[derive(Debug)]
struct Condition {
    /// `None` searches every field.
    field: Option<&'static str>,
    values: Vec<String>,
    mode: Mode,
    /// The compiled pattern of `similar_to` and `posix`.
    regex: Option<Regex>,
}

/// A parsed search over an entity whose searchable fields are `fields` (camelCase, as the API
/// names them).
#[derive(Debug)]
pub struct Search {
    fields: &'static [&'static str],
    conditions: Vec<Condition>,
    and: bool,
    case_sensitive: bool,
}

/// `primaryEmail` and `primary_email` name the same field (Logto snake-cases before comparing).
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Search {
    /// Reads the search from a list route's query; 400 `request.invalid_input` for an unknown
    /// field, mode or joint, an empty value, several values outside `exact`, a case-insensitive
    /// `similar_to`, or a pattern that does not compile.
    pub fn parse(params: &Params, fields: &'static [&'static str]) -> Result<Self, ApiError> {
        let field_name = |key: &str, prefix: &str| -> Result<Option<&'static str>, ApiError> {
            let Some(rest) = key.strip_prefix(prefix) else { return Ok(None) };
            if rest.is_empty() {
                return Ok(None);
            }
            let Some(name) = rest.strip_prefix('.') else {
                return Err(ApiError::invalid_input("Search parameter is not valid."));
            };
            if name.contains('.') {
                return Err(ApiError::invalid_input(
                    "Unsupported nested search field path detected. Only the first level field is supported.",
                ));
            }
            let wanted = snake(name);
            fields.iter().find(|f| snake(f) == wanted).map(|f| Some(*f)).ok_or_else(|| {
                ApiError::invalid_input(format!("Search field is not valid, expect one of {}.", fields.join(", ")))
            })
        };
        let mut default_mode = Mode::Like;
        let mut field_modes: Vec<(&'static str, Mode)> = Vec::new();
        let mut conditions: Vec<Condition> = Vec::new();
        let mut and = false;
        let mut case_sensitive = false;
        for (key, value) in &params.0 {
            if key == "search" || key.starts_with("search.") {
                let field = field_name(key, "search")?;
                match conditions.iter_mut().find(|c| c.field == field) {
                    Some(c) => c.values.push(value.clone()),
                    None => {
                        conditions.push(Condition { field, values: vec![value.clone()], mode: Mode::Like, regex: None })
                    }
                }
            } else if key == "mode" {
                default_mode = parse_mode(value)?;
            } else if key.starts_with("mode.") {
                if let Some(f) = field_name(key, "mode")? {
                    field_modes.push((f, parse_mode(value)?));
                }
            } else if key == "joint" || key == "jointMode" {
                and = match value.as_str() {
                    "and" => true,
                    "or" => false,
                    _ => return Err(ApiError::invalid_input("Search joint mode is not valid, expect one of or, and.")),
                };
            } else if key == "isCaseSensitive" {
                case_sensitive = value == "true";
            }
        }
        for c in &mut conditions {
            c.mode = c
                .field
                .and_then(|f| field_modes.iter().rev().find(|(x, _)| *x == f).map(|(_, m)| *m))
                .unwrap_or(default_mode);
            if c.mode != Mode::Exact && c.values.len() > 1 {
                return Err(ApiError::invalid_input(
                    "Only one search value is allowed when search mode is not `exact`.",
                ));
            }
            if c.values.iter().any(String::is_empty) {
                return Err(ApiError::invalid_input("Search value cannot be empty."));
            }
            if c.mode == Mode::SimilarTo && !case_sensitive {
                return Err(ApiError::invalid_input("Cannot use case-insensitive match for `similar to`."));
            }
            let pattern = match c.mode {
                Mode::Posix => Some(c.values[0].clone()),
                Mode::SimilarTo => Some(similar_to_regex(&c.values[0])),
                Mode::Exact | Mode::Like => None,
            };
            if let Some(pattern) = pattern {
                if pattern.len() > MAX_PATTERN {
                    return Err(ApiError::invalid_input("Search pattern is too long."));
                }
                let flags = if case_sensitive { "" } else { "(?i)" };
                c.regex = Some(
                    fancy_regex::RegexBuilder::new(&format!("{flags}{pattern}"))
                        .backtrack_limit(BACKTRACK_LIMIT)
                        .build()
                        .map_err(|_| ApiError::invalid_input("Search pattern is not a valid regular expression."))?,
                );
            }
        }
        Ok(Search { fields, conditions, and, case_sensitive })
    }

    /// Whether the entity whose field values `value` reads matches.
    pub fn matches<'a>(&self, value: impl Fn(&str) -> Option<&'a str>) -> bool {
        if self.conditions.is_empty() {
            return true;
        }
        let fold = |s: &str| if self.case_sensitive { s.to_string() } else { s.to_lowercase() };
        let test = |c: &Condition| {
            let fields: &[&str] = match &c.field {
                Some(f) => std::slice::from_ref(f),
                None => self.fields,
            };
            fields.iter().filter_map(|f| value(f)).any(|v| match (&c.mode, &c.regex) {
                (Mode::Exact, _) => c.values.iter().any(|want| fold(want) == fold(v)),
                (Mode::Like, _) => like(&fold(&c.values[0]), &fold(v)),
                // A pattern that runs out of backtracking budget is a miss, as a timeout would be.
                (_, Some(regex)) => regex.is_match(v).unwrap_or(false),
                (_, None) => false,
            })
        };
        if self.and {
            self.conditions.iter().all(test)
        } else {
            self.conditions.iter().any(test)
        }
    }
}

/// SQL `SIMILAR TO` as a regular expression over the whole value: `%` any run, `_` one character,
/// `\` escapes; `| * + ? {} () []` keep their regex meaning; everything else is literal.
fn similar_to_regex(pattern: &str) -> String {
    let mut out = String::from("^(?:");
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) => out.push_str(&fancy_regex::escape(&next.to_string())),
                None => out.push_str("\\\\"),
            },
            '[' => {
                in_class = true;
                out.push('[');
            }
            ']' => {
                in_class = false;
                out.push(']');
            }
            _ if in_class => out.push(c),
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            '|' | '*' | '+' | '?' | '{' | '}' | '(' | ')' => out.push(c),
            c => out.push_str(&fancy_regex::escape(&c.to_string())),
        }
    }
    out.push_str(")$");
    out
}

/// One element of a `LIKE` pattern.
#[derive(Clone, Copy, PartialEq)]
enum Like {
    AnyRun,
    AnyOne,
    Char(char),
}

/// SQL `LIKE`: `%` any run, `_` one character, `\` escapes. Linear in the text for each pattern
/// element (a table of which pattern prefixes match), so patterns full of `%` cannot make a search
/// take exponential time.
fn like(pattern: &str, text: &str) -> bool {
    let mut elements = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        elements.push(match c {
            '%' => Like::AnyRun,
            '_' => Like::AnyOne,
            '\\' => Like::Char(chars.next().unwrap_or('\\')),
            c => Like::Char(c),
        });
    }
    // matched[i]: the first i pattern elements match the text read so far.
    let mut matched = vec![false; elements.len() + 1];
    matched[0] = true;
    for i in 0..elements.len() {
        matched[i + 1] = matched[i] && elements[i] == Like::AnyRun;
    }
    for t in text.chars() {
        let mut next = vec![false; elements.len() + 1];
        for i in 0..elements.len() {
            next[i + 1] = match elements[i] {
                Like::AnyRun => matched[i + 1] || next[i],
                Like::AnyOne => matched[i],
                Like::Char(c) => matched[i] && c == t,
            };
        }
        matched = next;
    }
    matched[elements.len()]
}

/// An entity a search runs over: its searchable fields (Logto's `*SearchKeys`) and their values.
pub trait Searchable {
    /// The fields `search` alone looks in, and that `search.<field>` may name.
    const FIELDS: &'static [&'static str];
    /// The value of one of [`Searchable::FIELDS`].
    fn field(&self, name: &str) -> Option<&str>;
}

impl Searchable for crate::model::User {
    const FIELDS: &'static [&'static str] = &["id", "primaryEmail", "primaryPhone", "username", "name"];
    fn field(&self, name: &str) -> Option<&str> {
        match name {
            "id" => Some(&self.id),
            "primaryEmail" => self.primary_email.as_deref(),
            "primaryPhone" => self.primary_phone.as_deref(),
            "username" => self.username.as_deref(),
            "name" => self.name.as_deref(),
            _ => None,
        }
    }
}

impl Searchable for crate::model::Role {
    const FIELDS: &'static [&'static str] = &["id", "name", "description"];
    fn field(&self, name: &str) -> Option<&str> {
        match name {
            "id" => Some(&self.id),
            "name" => Some(&self.name),
            "description" => Some(&self.description),
            _ => None,
        }
    }
}

/// Applications and API scopes are searched by `id`, `name` and `description`.
macro_rules! searchable_by_id_name_description {
    ($($ty:ty),*) => {$(
        impl Searchable for $ty {
            const FIELDS: &'static [&'static str] = &["id", "name", "description"];
            fn field(&self, name: &str) -> Option<&str> {
                match name {
                    "id" => Some(&self.id),
                    "name" => Some(&self.name),
                    "description" => self.description.as_deref(),
                    _ => None,
                }
            }
        }
    )*};
}

searchable_by_id_name_description!(crate::model::Application, crate::model::Scope);

impl Search {
    /// [`Search::parse`] over `T`'s fields.
    pub fn of<T: Searchable>(params: &Params) -> Result<Self, ApiError> {
        Self::parse(params, T::FIELDS)
    }

    /// Whether `item` matches.
    pub fn hits<T: Searchable>(&self, item: &T) -> bool {
        self.matches(|f| item.field(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["id", "name", "primaryPhone"];

    fn search(query: &str) -> Result<Search, ApiError> {
        Search::parse(&Params::from_query(Some(query)), FIELDS)
    }

    fn hit(query: &str, name: &str, phone: &str) -> bool {
        let s = search(query).expect("parses");
        s.matches(|f| match f {
            "name" => Some(name),
            "primaryPhone" => Some(phone),
            _ => None,
        })
    }

    #[test]
    fn like_needs_explicit_wildcards_and_ignores_case_by_default() {
        assert!(hit("search=%25jerry%25", "Tom and Jerry", ""));
        assert!(!hit("search=jerry", "Tom and Jerry", ""));
        assert!(!hit("search=%25jerry%25&isCaseSensitive=true", "Tom and Jerry", ""));
    }

    #[test]
    fn posix_has_lookahead_and_similar_to_is_anchored() {
        // From Logto's admin-user.search test: one "Jr" after "Jerry".
        let q = "search.name=%5EJerry((%3F!Jr).)*Jr%7B1%7D((%3F!Jr).)*%24&mode.name=posix&isCaseSensitive=true";
        assert!(hit(q, "Jerry Swift Jr", ""));
        assert!(!hit(q, "Jerry Swift Jr Jr", ""));
        let q = "search.primaryPhone=%250%7B3,%7D%25&mode.primaryPhone=similar_to&isCaseSensitive=true";
        assert!(hit(q, "", "1310000123"));
        assert!(!hit(q, "", "1310100123"));
        // `.` is literal in SIMILAR TO.
        let q = "search.name=a.c&mode.name=similar_to&isCaseSensitive=true";
        assert!(hit(q, "a.c", ""));
        assert!(!hit(q, "abc", ""));
    }

    #[test]
    fn refusals_are_request_invalid_input_in_fixed_words() {
        for q in [
            "search.email=x",
            "search=x&mode=similar%20to",
            "search=x&joint=and1",
            "search=%25x%25&mode=similar_to",
            "search=",
            "search.name.first=x",
            "search=(&mode=posix",
            "search=a&search=b",
        ] {
            let e = search(q).expect_err(q);
            assert_eq!(e.code, "request.invalid_input", "{q}");
            assert!(!e.message.contains("and1") && !e.message.contains("email"), "{q}: {}", e.message);
        }
        assert!(search("search=%25x%25&mode=similar_to").unwrap_err().message.contains("case-insensitive"));
        assert!(search("search.primary_phone=1").is_ok());
        assert!(search("search=%25x%25&search.name=y&joint=and").is_ok());
    }

    #[test]
    fn like_escapes_and_wildcards() {
        let c = |s: &str| s.to_string();
        assert!(like(&c("%ali%"), &c("alice")));
        assert!(!like(&c("ali"), &c("alice")));
        assert!(like(&c("a_ice"), &c("alice")));
        assert!(like(&c("100\\%"), &c("100%")));
        assert!(!like(&c("100\\%"), &c("1000")));
        assert!(like(&c("%"), &c("")) && like(&c(""), &c("")) && !like(&c("_"), &c("")));
        assert!(like(&c("%b%d"), &c("abcd")) && !like(&c("%b%d"), &c("abce")));
        // Found reviewing the fuzz: the recursive matcher took exponential time on patterns full of
        // `%` (this case would not finish); the table takes 40 × 128 steps.
        let text = c(&"a".repeat(128));
        assert!(like(&c(&"%".repeat(40)), &text) && !like(&c(&format!("{}b", "%".repeat(40))), &text));
    }

    #[test]
    fn like_is_linear_on_hostile_patterns() {
        let pattern = "%a".repeat(200) + "b";
        assert!(!like(&pattern, &"a".repeat(5000)));
    }
}
