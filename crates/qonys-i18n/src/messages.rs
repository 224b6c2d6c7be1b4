//! The Fluent message catalogue, embedded in the binary: per language one `.ftl` file per
//! area of the interface (`locales/<lang>/<area>.ftl`), every area with the same message ids
//! in every language (a test checks that they match and that no id is defined twice),
//! correct CLDR plural forms (Russian one / few / many), and lookups that fall back to
//! English and never panic.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use qonys_law::Lang;

/// The areas of the catalogue, one file each per language.
pub const AREAS: [&str; 5] = ["main", "auth", "workbench", "portal", "mail"];

macro_rules! area_files {
    ($($lang:ident $code:literal),*) => {
        [$(
            (Lang::$lang, "main", include_str!(concat!("../locales/", $code, "/main.ftl"))),
            (Lang::$lang, "auth", include_str!(concat!("../locales/", $code, "/auth.ftl"))),
            (Lang::$lang, "workbench", include_str!(concat!("../locales/", $code, "/workbench.ftl"))),
            (Lang::$lang, "portal", include_str!(concat!("../locales/", $code, "/portal.ftl"))),
            (Lang::$lang, "mail", include_str!(concat!("../locales/", $code, "/mail.ftl"))),
        )*]
    };
}

/// The embedded catalogue files: (language, area, text).
pub const MESSAGE_FILES: [(Lang, &str, &str); 15] = area_files!(En "en", Ru "ru", Kk "kk");

/// The interface messages in every language.
pub struct Messages {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Messages")
    }
}

impl Default for Messages {
    fn default() -> Self {
        Messages::new()
    }
}

impl Messages {
    /// Loads the embedded catalogue.
    pub fn new() -> Messages {
        let bundles = Lang::ALL
            .iter()
            .map(|&lang| {
                let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
                let mut b = FluentBundle::new_concurrent(vec![id]);
                b.set_use_isolating(false);
                for (_, _, text) in MESSAGE_FILES.iter().filter(|(l, _, _)| *l == lang) {
                    let res =
                        FluentResource::try_new((*text).to_string()).unwrap_or_else(|(r, _)| r);
                    let _ = b.add_resource(res);
                }
                (lang, b)
            })
            .collect();
        Messages { bundles }
    }

    fn bundle(&self, lang: Lang) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, b)| b)
    }

    /// Whether a message id exists in a language.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).is_some_and(|b| b.has_message(id))
    }

    /// The message `id` in `lang` with arguments; English if missing there; the id itself
    /// if missing everywhere.
    pub fn get_args(&self, lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        for l in [lang, Lang::En] {
            let Some(b) = self.bundle(l) else { continue };
            let Some(msg) = b.get_message(id) else {
                continue;
            };
            let Some(pattern) = msg.value() else { continue };
            let mut fa = FluentArgs::new();
            for (k, v) in args {
                fa.set(*k, v.clone());
            }
            let mut errors = Vec::new();
            return b
                .format_pattern(pattern, Some(&fa), &mut errors)
                .into_owned();
        }
        id.to_string()
    }

    /// The message `id` in `lang`.
    pub fn get(&self, lang: Lang, id: &str) -> String {
        self.get_args(lang, id, &[])
    }

    /// The message `id` with string arguments.
    pub fn fmt(&self, lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
        let owned: Vec<(&str, FluentValue<'_>)> = args
            .iter()
            .map(|(k, v)| (*k, FluentValue::from(*v)))
            .collect();
        self.get_args(lang, id, &owned)
    }

    /// The ids of the messages of a language's file.
    pub fn ids(text: &str) -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with(' ') && !l.starts_with('#'))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
            .filter(|k| !k.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(lang: Lang, area: &str) -> &'static str {
        MESSAGE_FILES
            .iter()
            .find(|(l, a, _)| *l == lang && *a == area)
            .map(|(_, _, t)| *t)
            .unwrap_or_default()
    }

    #[test]
    fn every_message_exists_in_every_language() {
        assert!(Messages::ids(file(Lang::En, "main")).len() > 30);
        for area in AREAS {
            let en = Messages::ids(file(Lang::En, area));
            for lang in [Lang::Ru, Lang::Kk] {
                let ids = Messages::ids(file(lang, area));
                for id in &en {
                    assert!(
                        ids.contains(id),
                        "{id} ({area}) is missing in {}",
                        lang.code()
                    );
                }
                for id in &ids {
                    assert!(
                        en.contains(id),
                        "{id} exists in {}/{area} but not in en",
                        lang.code()
                    );
                }
            }
        }
    }

    #[test]
    fn no_message_is_defined_twice() {
        for lang in Lang::ALL {
            let mut seen = std::collections::HashSet::new();
            for (_, area, text) in MESSAGE_FILES.iter().filter(|(l, _, _)| *l == lang) {
                for id in Messages::ids(text) {
                    assert!(
                        seen.insert(id.clone()),
                        "{id} defined twice ({area}, {})",
                        lang.code()
                    );
                }
            }
        }
    }

    #[test]
    fn every_file_parses_without_errors() {
        for (lang, area, text) in MESSAGE_FILES {
            assert!(
                FluentResource::try_new(text.to_string()).is_ok(),
                "{}/{area} has syntax errors",
                lang.code()
            );
        }
    }

    #[test]
    fn russian_plurals() {
        let m = Messages::new();
        let n = |k: i64| {
            m.get_args(
                Lang::Ru,
                "count-routes-fit",
                &[("count", FluentValue::from(k))],
            )
        };
        assert_eq!(n(1), "подходит 1 основание");
        assert_eq!(n(3), "подходят 3 основания");
        assert_eq!(n(5), "подходят 5 оснований");
        assert_eq!(n(21), "подходит 21 основание");
        assert_eq!(n(11), "подходят 11 оснований");
    }
}
