//! The page language: chosen with the switch on every page (a POST, remembered in the
//! `qonys_lang` cookie), else read from the cookie, else from `Accept-Language`, else
//! English; and [`Tr`], the catalogue lookup the templates call (`t.get("web-…")`).

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use qonys_i18n::Messages;
use qonys_law::Lang;

/// The name of the language cookie.
pub const COOKIE_NAME: &str = "qonys_lang";

/// The language remembered by the switch's cookie, if any.
pub fn cookie_lang(headers: &HeaderMap) -> Option<Lang> {
    crate::auth::session::cookie_value(headers, COOKIE_NAME).and_then(parse)
}

/// The language a request asks for: the cookie, else the first supported language of
/// `Accept-Language`, else English.
pub fn from_headers(headers: &HeaderMap) -> Lang {
    for v in headers.get_all(COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, val)) = part.trim().split_once('=')
                && k == COOKIE_NAME
                && let Some(l) = parse(val)
            {
                return l;
            }
        }
    }
    if let Some(al) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) {
        for item in al.split(',') {
            let tag = item.split(';').next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(l) = parse(primary) {
                return l;
            }
        }
    }
    Lang::En
}

/// A language code as the switch and the API accept it (`en`, `ru`, `kk`).
pub fn parse(code: &str) -> Option<Lang> {
    match code.trim().to_ascii_lowercase().as_str() {
        "en" => Some(Lang::En),
        "ru" => Some(Lang::Ru),
        "kk" => Some(Lang::Kk),
        _ => None,
    }
}

/// The `Set-Cookie` value that remembers a language for a year.
pub fn cookie(lang: Lang) -> String {
    format!(
        "{COOKIE_NAME}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        lang.code()
    )
}

/// The name of a language in itself, for the switch.
pub fn native_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::Ru => "Русский",
        Lang::Kk => "Қазақша",
    }
}

/// Catalogue lookups in one language, for templates.
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    /// The catalogue.
    pub m: &'a Messages,
    /// The language.
    pub lang: Lang,
}

impl Tr<'_> {
    /// The message `id`.
    pub fn get(&self, id: &str) -> String {
        self.m.get(self.lang, id)
    }

    /// The message `id` with string arguments.
    pub fn fmt(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.m.fmt(self.lang, id, args)
    }

    /// The language code (`en`, `ru`, `kk`).
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// One entry of the language switch.
#[derive(Debug, Clone)]
pub struct LangChoice {
    /// The code sent.
    pub code: &'static str,
    /// The name shown.
    pub name: &'static str,
    /// Whether it is the page's language.
    pub current: bool,
}

/// The three entries of the switch.
pub fn choices(current: Lang) -> Vec<LangChoice> {
    Lang::ALL
        .iter()
        .map(|&l| LangChoice {
            code: l.code(),
            name: native_name(l),
            current: l == current,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookie_wins_over_accept_language() {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("ru-RU,ru;q=0.9"));
        assert_eq!(from_headers(&h), Lang::Ru);
        h.insert(COOKIE, HeaderValue::from_static("a=b; qonys_lang=kk"));
        assert_eq!(from_headers(&h), Lang::Kk);
        h.insert(COOKIE, HeaderValue::from_static("qonys_lang=xx"));
        assert_eq!(from_headers(&h), Lang::Ru);
        assert_eq!(from_headers(&HeaderMap::new()), Lang::En);
    }
}
