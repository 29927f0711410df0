//! Messages as the core writes them: names quoted in backticks (`` `prod` ``), shown
//! as code rather than as backticks.

use leptos::prelude::*;

/// `text` with each `quoted` name in a `<code>`; text whose backticks do not pair
/// (a value that holds one) is shown as it is.
pub fn prose(text: &str) -> AnyView {
    if text.matches('`').count() % 2 == 1 {
        return text.to_string().into_any();
    }
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| match i % 2 {
            1 => view! { <code>{part.to_string()}</code> }.into_any(),
            _ => part.to_string().into_any(),
        })
        .collect_view()
        .into_any()
}

/// [`prose`] of a message that may be absent.
pub fn maybe_prose(text: Option<String>) -> Option<AnyView> {
    text.map(|t| prose(&t))
}
