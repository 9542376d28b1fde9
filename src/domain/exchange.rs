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

/// Which picture of an account `planbot export --format svg|png` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Picture {
    /// The relationship and influence map.
    Relationships,
    /// The whitespace map.
    Whitespace,
}
