//! Forms: what a modal asks, described once, shown by Slack as a modal and
//! by the demo as lines to fill in. The application layer builds a [`Form`]
//! and reads its submission back as [`FormValues`] (field id → text), so
//! both transports write through the same checks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use slack_morphism::prelude::*;

use crate::render::blocks::{clip, context as context_block, limits, section};

/// The most a Slack text input holds.
pub const INPUT_MAX: usize = 3000;

/// The most options a Slack static select holds.
pub const SELECT_MAX: usize = 100;

/// Which form it is, and what it edits: read back from the submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum FormKind {
    /// A new plan for an account.
    NewPlan { account_id: i64 },
    /// One part of a plan's Plan Info (`profile`, `snapshot`, `gtm`).
    Sections { plan_id: i64, part: String },
    /// A contact of the relationship map; `None` adds one.
    Contact { account_id: i64, contact_id: Option<i64> },
    /// A row of the whitespace map; `None` adds one.
    Whitespace { account_id: i64, whitespace_id: Option<i64> },
}

/// The callback id every planbot form carries (what it is lives in the state).
pub const CALLBACK_ID: &str = "plan_form";

/// What a form remembers between opening and submission (Slack's
/// `private_metadata`): what it edits, where it was opened, and the version
/// of each field as it was shown, so a save can tell whether someone else
/// changed it meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    #[serde(flatten)]
    pub kind: FormKind,
    /// The channel it was opened from, to answer there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// When it was opened (Unix seconds): the changes since are the conflicts to show.
    #[serde(default)]
    pub opened: i64,
    /// A short fingerprint of each field's stored value when it was opened.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seen: BTreeMap<String, String>,
}

impl FormState {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn decode(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

/// How a field is filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// One line of text, at most this many characters.
    Line(usize),
    /// Several lines of text.
    Text(usize),
    /// One of these (value, label) pairs.
    Choice(Vec<(String, String)>),
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A Slack user (their id).
    Person,
    /// A box to tick, with its label; ticked is `yes`.
    Tick(String),
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The block and action id, and the key of its value.
    pub id: String,
    pub label: String,
    pub input: Input,
    /// What it shows when opened (a choice's value, a date, a user id, `yes`).
    pub initial: Option<String>,
    pub optional: bool,
    pub hint: Option<String>,
}

impl Field {
    pub fn new(id: &str, label: &str, input: Input) -> Self {
        Field { id: id.to_string(), label: label.to_string(), input, initial: None, optional: true, hint: None }
    }

    pub fn required(mut self) -> Self {
        self.optional = false;
        self
    }

    pub fn initial(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        self.initial = (!value.is_empty()).then_some(value);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A form to fill in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    pub submit: String,
    /// Lines shown above the fields (mrkdwn): what the form does, or what
    /// changed since it was opened.
    pub notes: Vec<String>,
    pub fields: Vec<Field>,
    pub state: FormState,
}

/// A submitted form's values by field id, as typed or picked; empty fields are absent.
pub type FormValues = BTreeMap<String, String>;

impl Form {
    /// The values it would be submitted with untouched.
    pub fn initial_values(&self) -> FormValues {
        self.fields.iter().filter_map(|f| f.initial.clone().map(|v| (f.id.clone(), v))).collect()
    }

    /// The same form showing `values` (a submission to correct or merge).
    pub fn with_values(mut self, values: &FormValues) -> Self {
        for field in &mut self.fields {
            field.initial = values.get(&field.id).cloned().filter(|v| !v.is_empty());
        }
        self
    }

    /// The form as a Slack modal.
    pub fn view(&self) -> SlackView {
        let mut blocks: Vec<SlackBlock> = Vec::new();
        for note in &self.notes {
            if note.starts_with("_") {
                blocks.push(context_block(&clip(note, limits::CONTEXT_TEXT)));
            } else {
                blocks.push(section(&clip(note, limits::SECTION_TEXT)));
            }
        }
        for field in &self.fields {
            blocks.push(input_block(field));
        }
        blocks.truncate(limits::VIEW_BLOCKS);
        SlackView::Modal(
            SlackModalView::new(pt!(clip(&self.title, limits::MODAL_TITLE)), blocks)
                .with_callback_id(CALLBACK_ID.into())
                .with_submit(pt!(clip(&self.submit, limits::MODAL_TITLE)))
                .with_close(pt!("Cancel"))
                .with_private_metadata(self.state.encode()),
        )
    }

    /// The form as the demo shows it: one line per field with its value.
    pub fn as_text(&self) -> String {
        let mut out = format!("┌─ {} ─\n", self.title);
        for note in &self.notes {
            out.push_str(&format!("│ {}\n", note.replace('\n', "\n│ ")));
        }
        for field in &self.fields {
            let shown = match (&field.input, &field.initial) {
                (Input::Text(_), Some(v)) if v.chars().count() > 80 => format!("{}…", v.chars().take(80).collect::<String>()),
                (_, Some(v)) => v.replace('\n', " / "),
                (_, None) => String::new(),
            };
            // Choices whose labels say more than their values (a contact's
            // name for its id) are listed below the field, one per line.
            let mut listed: Vec<String> = Vec::new();
            let kind = match &field.input {
                Input::Choice(options) => {
                    let plain = options.iter().all(|(v, l)| l.to_lowercase().starts_with(&v.replace('_', " ").to_lowercase()) || v == "unset");
                    if plain {
                        let values: Vec<&str> = options.iter().map(|(v, _)| v.as_str()).collect();
                        format!(" (one of: {})", values.join(", "))
                    } else {
                        listed = options.iter().map(|(v, l)| format!("{v} = {l}")).collect();
                        " (one of the values below, or a name)".to_string()
                    }
                }
                Input::Date => " (a date like 2027-01-31)".to_string(),
                Input::Person => " (@name)".to_string(),
                Input::Tick(label) => format!(" (yes: {label})"),
                _ => String::new(),
            };
            let need = if field.optional { "" } else { " *" };
            out.push_str(&format!("│ {}{need} [{}]{kind}: {shown}\n", field.label, field.id));
            for line in listed {
                out.push_str(&format!("│     {line}\n"));
            }
            if let Some(hint) = &field.hint {
                out.push_str(&format!("│     {hint}\n"));
            }
        }
        out.push_str(&format!("└─ {} ─", self.submit));
        out
    }
}

fn choice(value: &str, label: &str) -> SlackBlockChoiceItem<SlackBlockPlainTextOnly> {
    SlackBlockChoiceItem::new(pt!(clip(label, limits::BUTTON_TEXT)), value.to_string())
}

fn input_block(field: &Field) -> SlackBlock {
    let id: SlackActionId = field.id.clone().into();
    let element: SlackInputBlockElement = match &field.input {
        Input::Line(max) | Input::Text(max) => {
            let mut element = SlackBlockPlainTextInputElement::new()
                .with_action_id(id)
                .with_max_length((*max).min(INPUT_MAX) as u64)
                .with_multiline(matches!(field.input, Input::Text(_)));
            if let Some(initial) = &field.initial {
                element = element.with_initial_value(clip(initial, (*max).min(INPUT_MAX)));
            }
            element.into()
        }
        Input::Choice(options) => {
            let items: Vec<_> = options.iter().take(SELECT_MAX).map(|(v, l)| choice(v, l)).collect();
            let initial = field.initial.as_ref().and_then(|i| items.iter().find(|o| &o.value == i).cloned());
            let mut element = SlackBlockStaticSelectElement::new().with_action_id(id).with_options(items);
            if let Some(initial) = initial {
                element = element.with_initial_option(initial);
            }
            element.into()
        }
        Input::Date => {
            let mut element = SlackBlockDatePickerElement::new().with_action_id(id);
            if let Some(initial) = &field.initial {
                element = element.with_initial_date(initial.clone());
            }
            element.into()
        }
        Input::Person => {
            let mut element = SlackBlockUsersSelectElement::new().with_action_id(id);
            if let Some(initial) = &field.initial {
                element = element.with_initial_user(initial.clone());
            }
            element.into()
        }
        Input::Tick(label) => {
            let option = SlackBlockChoiceItem::new(SlackBlockText::Plain(SlackBlockPlainText::new(clip(label, limits::BUTTON_TEXT))), "yes".to_string());
            let mut element = SlackBlockCheckboxesElement::new(vec![option.clone()]).with_action_id(id);
            if field.initial.as_deref() == Some("yes") {
                element = element.with_initial_options(vec![option]);
            }
            element.into()
        }
    };
    let mut block = SlackInputBlock::new(pt!(clip(&field.label, 2000)), element)
        .with_block_id(field.id.clone().into())
        .with_optional(field.optional);
    if let Some(hint) = &field.hint {
        block = block.with_hint(pt!(clip(hint, 2000)));
    }
    block.into()
}

/// A submitted modal's values, whatever its inputs: the typed text, the
/// picked option, date or user, `yes` for a ticked box.
pub fn values_of(state_values: &serde_json::Value) -> FormValues {
    let mut values = FormValues::new();
    let Some(blocks) = state_values.as_object() else { return values };
    for actions in blocks.values() {
        let Some(actions) = actions.as_object() else { continue };
        for (action_id, v) in actions {
            let value = if let Some(text) = v.get("value").and_then(|t| t.as_str()) {
                Some(text.to_string())
            } else if let Some(option) = v.pointer("/selected_option/value").and_then(|t| t.as_str()) {
                Some(option.to_string())
            } else if let Some(date) = v.get("selected_date").and_then(|t| t.as_str()) {
                Some(date.to_string())
            } else if let Some(user) = v.get("selected_user").and_then(|t| t.as_str()) {
                Some(user.to_string())
            } else if let Some(options) = v.get("selected_options").and_then(|t| t.as_array()) {
                (!options.is_empty()).then(|| "yes".to_string())
            } else {
                None
            };
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                values.insert(action_id.clone(), value);
            }
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_fits_private_metadata() {
        let state = FormState {
            kind: FormKind::Sections { plan_id: 7, part: "gtm".into() },
            channel: Some("C1".into()),
            opened: 1_800_000_000,
            seen: (0..14).map(|i| (format!("section_{i}"), "0123456789abcdef".to_string())).collect(),
        };
        let encoded = state.encode();
        assert!(encoded.len() < limits::PRIVATE_METADATA, "{}", encoded.len());
        assert_eq!(FormState::decode(&encoded), Some(state));
        assert_eq!(FormState::decode("not json"), None);
    }

    #[test]
    fn values_are_read_from_every_kind_of_input() {
        let state = serde_json::json!({
            "a": {"a": {"type": "plain_text_input", "value": "text"}},
            "b": {"b": {"type": "static_select", "selected_option": {"value": "high"}}},
            "c": {"c": {"type": "datepicker", "selected_date": "2027-01-31"}},
            "d": {"d": {"type": "users_select", "selected_user": "U1"}},
            "e": {"e": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}},
            "f": {"f": {"type": "checkboxes", "selected_options": []}},
            "g": {"g": {"type": "plain_text_input", "value": null}},
        });
        let values = values_of(&state);
        assert_eq!(values.get("a").map(String::as_str), Some("text"));
        assert_eq!(values.get("b").map(String::as_str), Some("high"));
        assert_eq!(values.get("c").map(String::as_str), Some("2027-01-31"));
        assert_eq!(values.get("d").map(String::as_str), Some("U1"));
        assert_eq!(values.get("e").map(String::as_str), Some("yes"));
        assert!(!values.contains_key("f") && !values.contains_key("g"));
    }
}
