//! The vocabulary of data exchange: which entity a CSV file holds (in
//! import order), and the formats of an export. The command line and the
//! importer both speak it.

use std::path::Path;

/// What a file holds, in import order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum Kind {
    Users,
    Accounts,
    Team,
    Plans,
    Actions,
    Contacts,
    Whitespace,
}

impl Kind {
    pub const ALL: [Kind; 7] =
        [Kind::Users, Kind::Accounts, Kind::Team, Kind::Plans, Kind::Actions, Kind::Contacts, Kind::Whitespace];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Users => "users",
            Kind::Accounts => "accounts",
            Kind::Team => "team",
            Kind::Plans => "plans",
            Kind::Actions => "actions",
            Kind::Contacts => "contacts",
            Kind::Whitespace => "whitespace",
        }
    }

    pub fn file_name(self) -> String {
        format!("{}.csv", self.name())
    }

    /// The kind a file name says (`actions.csv`, `Actions-2026.csv`).
    pub fn of_file(path: &Path) -> Option<Kind> {
        let stem = path.file_stem()?.to_str()?.to_lowercase();
        Kind::ALL.into_iter().find(|kind| {
            stem.strip_prefix(kind.name()).is_some_and(|rest| rest.is_empty() || !rest.starts_with(char::is_alphanumeric))
        })
    }
}

/// What `planbot export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Markdown,
    /// One picture (`--map`), as SVG.
    Svg,
    /// One picture (`--map`), as PNG.
    Png,
}

/// Which picture of an account is drawn (`planbot export --map`, and the
/// pictures uploaded to Slack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Picture {
    /// The relationship and influence map.
    Relationships,
    /// The whitespace map.
    Whitespace,
}

/// A file name made of an account's name: `Acme Corp.` gives `acme-corp-`.
pub fn file_stem(account: &str) -> String {
    account.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

impl Picture {
    pub const ALL: [Picture; 2] = [Picture::Relationships, Picture::Whitespace];

    /// As in file names and `--map`: `relationships`, `whitespace`.
    pub fn key(self) -> &'static str {
        match self {
            Picture::Relationships => "relationships",
            Picture::Whitespace => "whitespace",
        }
    }

    /// As people call it: "relationship map", "whitespace map".
    pub fn title(self) -> &'static str {
        match self {
            Picture::Relationships => "relationship map",
            Picture::Whitespace => "whitespace map",
        }
    }
}
