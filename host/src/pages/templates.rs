//! The page templates (minijinja, auto-escaping every value in an `.html` template), compiled into
//! the binary.

use minijinja::Environment;
use serde::Serialize;

/// The templates, loaded once.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("product.html", include_str!("../../templates/product.html")),
    ("dashboard.html", include_str!("../../templates/dashboard.html")),
    ("not_found.html", include_str!("../../templates/not_found.html")),
    ("feedback.html", include_str!("../../templates/feedback.html")),
    ("feedback_list.html", include_str!("../../templates/feedback_list.html")),
    ("form_error.html", include_str!("../../templates/form_error.html")),
    ("review.html", include_str!("../../templates/review.html")),
];

impl Default for Templates {
    fn default() -> Templates {
        Templates::new()
    }
}

impl Templates {
    /// Every template. A template that does not parse is a build mistake the tests catch: it
    /// renders as an error page naming it.
    pub fn new() -> Templates {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "template does not parse");
            }
        }
        Templates { env }
    }

    /// Renders `name` with `context`.
    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(context)
    }
}
