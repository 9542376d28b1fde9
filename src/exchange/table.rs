//! One CSV file read the way SPEC §4 describes: a header row, UTF-8,
//! RFC 4180 quoting, columns in any order (names in any case), unknown or
//! repeated columns an error that names them, empty cells "not set".
//! Every problem is kept with its line number, so a rejected file is
//! reported whole.

use std::collections::HashMap;
use std::fmt;



/// A column of a file, and whether every row must fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

pub const fn required(name: &'static str) -> Column {
    Column { name, required: true }
}

pub const fn optional(name: &'static str) -> Column {
    Column { name, required: false }
}

/// A reason a file cannot be imported, at a line (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A data row: its line in the file and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    cells: Vec<String>,
}

/// A file's rows with their columns known.
#[derive(Debug)]
pub struct Table {
    positions: HashMap<&'static str, usize>,
    pub rows: Vec<Row>,
}

impl Table {
    /// Reads a file. A header that cannot be used is an error on its own;
    /// otherwise the rows that could be read, and the problems of those
    /// that could not (not UTF-8, a wrong number of cells).
    pub fn read(bytes: &[u8], columns: &'static [Column]) -> Result<(Table, Vec<Problem>), Vec<Problem>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        let mut records = reader.byte_records();
        let header = match records.next() {
            None => return Err(vec![Problem { line: 1, message: "the file is empty; it needs a header row".into() }]),
            Some(Err(err)) => return Err(vec![Problem { line: 1, message: format!("the header cannot be read: {err}") }]),
            Some(Ok(header)) => header,
        };
        let mut positions = HashMap::new();
        let mut unknown = Vec::new();
        let mut repeated = Vec::new();
        for (at, name) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(name).trim().to_lowercase();
            match columns.iter().find(|c| c.name == name) {
                Some(column) if positions.insert(column.name, at).is_some() => repeated.push(format!("`{name}`")),
                Some(_) => {}
                None if name.is_empty() => unknown.push(format!("an unnamed column (column {})", at + 1)),
                None => unknown.push(format!("`{name}`")),
            }
        }
        let mut problems = Vec::new();
        let list = |names: Vec<String>| names.join(", ");
        if !unknown.is_empty() {
            problems.push(Problem {
                line: 1,
                message: format!(
                    "unknown {} {}; the columns are {}",
                    if unknown.len() == 1 { "column" } else { "columns" },
                    list(unknown),
                    columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                ),
            });
        }
        if !repeated.is_empty() {
            let message = match repeated.len() {
                1 => format!("column {} appears more than once", repeated[0]),
                _ => format!("columns {} appear more than once", list(repeated)),
            };
            problems.push(Problem { line: 1, message });
        }
        let missing: Vec<String> =
            columns.iter().filter(|c| c.required && !positions.contains_key(c.name)).map(|c| format!("`{}`", c.name)).collect();
        if !missing.is_empty() {
            problems.push(Problem { line: 1, message: format!("the required {} missing", match missing.len() {
                1 => format!("column {} is", missing[0]),
                _ => format!("columns {} are", list(missing)),
            }) });
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let width = header.len();
        let mut rows = Vec::new();
        let mut lines = LineCounter { bytes, cursor: 0, newlines: 0 };
        for record in records {
            let record = match record {
                Ok(record) => record,
                Err(err) => {
                    let line = err.position().map(|p| lines.line_at(p.byte() as usize)).unwrap_or(0);
                    problems.push(Problem { line, message: format!("cannot be read as CSV: {err}") });
                    continue;
                }
            };
            let line = record.position().map(|p| lines.line_at(p.byte() as usize)).unwrap_or(0);
            if record.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            if record.len() != width {
                problems.push(Problem {
                    line,
                    message: format!("has {} cells but the header has {width}; quote cells that contain commas", record.len()),
                });
                continue;
            }
            match record.iter().map(|cell| std::str::from_utf8(cell).map(str::to_string)).collect::<Result<Vec<_>, _>>() {
                Ok(cells) => rows.push(Row { line, cells }),
                Err(_) => problems.push(Problem { line, message: "is not UTF-8 text; save the file as UTF-8".into() }),
            }
        }
        Ok((Table { positions, rows }, problems))
    }

    /// Whether the file has this column.
    pub fn has(&self, column: &str) -> bool {
        self.positions.contains_key(column)
    }

    /// The row's cells, read column by column, collecting what is wrong.
    pub fn cells<'a>(&'a self, row: &'a Row) -> Cells<'a> {
        Cells { table: self, row, problems: Vec::new() }
    }
}

/// Line numbers of records from their byte offsets. The CSV reader puts a
/// record that follows blank lines at the first blank line; people count
/// from the record's first character. Offsets only grow, so the newlines
/// are counted once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    cursor: usize,
    newlines: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, offset: usize) -> u64 {
        let mut start = offset.min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start >= self.cursor {
            self.newlines += self.bytes[self.cursor..start].iter().filter(|b| **b == b'\n').count() as u64;
            self.cursor = start;
        }
        self.newlines + 1
    }
}

/// One row's cells as a validator reads them: every problem is noted and
/// the row goes on being read, so all of a row's problems are reported.
pub struct Cells<'a> {
    table: &'a Table,
    row: &'a Row,
    problems: Vec<String>,
}

impl<'a> Cells<'a> {
    pub fn line(&self) -> u64 {
        self.row.line
    }

    /// The trimmed cell, `None` when empty or when the file lacks the column.
    pub fn get(&self, column: &str) -> Option<&'a str> {
        let at = *self.table.positions.get(column)?;
        Some(self.row.cells[at].trim()).filter(|c| !c.is_empty())
    }

    /// The cell, or a problem when it is empty.
    pub fn required(&mut self, column: &str) -> Option<&'a str> {
        let value = self.get(column);
        if value.is_none() {
            self.problems.push(format!("`{column}` is empty"));
        }
        value
    }

    /// The cell read by `parse`, `None` when empty or wrong (a problem then).
    pub fn parse<T>(&mut self, column: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let text = self.get(column)?;
        match parse(text) {
            Ok(value) => Some(value),
            Err(reason) => {
                self.problems.push(format!("{column}: {reason}"));
                None
            }
        }
    }

    /// A cell of a closed vocabulary (its error lists the valid names).
    pub fn choice<T: std::str::FromStr>(&mut self, column: &str) -> Option<T>
    where
        T::Err: fmt::Display,
    {
        self.parse(column, |text| text.parse::<T>().map_err(|e| e.to_string()))
    }

    pub fn problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
    }

    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// The row's problems as one, if it has any.
    pub fn finish(self) -> Option<Problem> {
        (!self.problems.is_empty()).then(|| Problem { line: self.row.line, message: self.problems.join("; ") })
    }
}

/// Trims a length-limited free text.
// The cell parsers are the shared field rules of every way in (modals too).
pub use crate::domain::validate::{date, email, money, strength, text_at_most, web_link, yes_no};

pub fn time_zone(text: &str) -> Result<String, String> {
    text.parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_string())
        .map_err(|_| format!("`{text}` is not an IANA time zone like America/New_York"))
}

fn slack_id(text: &str, prefixes: &[char], example: &str, what: &str) -> Result<String, String> {
    let valid = text.len() >= 3
        && text.starts_with(prefixes)
        && text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if valid { Ok(text.to_string()) } else { Err(format!("`{text}` is not a Slack {what} id (like {example})")) }
}

pub fn slack_user(text: &str) -> Result<String, String> {
    slack_id(text, &['U', 'W'], "U024BE7LH", "user")
}

pub fn slack_channel(text: &str) -> Result<String, String> {
    slack_id(text, &['C', 'G'], "C024BE7LH; use the channel's id, not its name", "channel")
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[required("account"), required("title"), optional("due_date"), optional("status")];

    #[test]
    fn columns_come_in_any_order_and_case_with_quoted_cells() {
        let csv = "\u{feff}Title,ACCOUNT,due_date\n\"Run a workshop, then \"\"report\"\"\",Acme,\n\"two\nlines\",Globex,2026-12-01\n";
        let (table, problems) = Table::read(csv.as_bytes(), COLUMNS).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!table.has("status"));
        let first = table.cells(&table.rows[0]);
        assert_eq!(first.get("title"), Some("Run a workshop, then \"report\""));
        assert_eq!(first.get("due_date"), None, "empty is not set");
        assert_eq!(first.get("status"), None, "absent is not set");
        let second = table.cells(&table.rows[1]);
        assert_eq!((second.line(), second.get("title")), (3, Some("two\nlines")));
    }

    #[test]
    fn unknown_repeated_and_missing_columns_are_named() {
        let problems = Table::read(b"account,titel,owner,status,status\n", COLUMNS).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            messages,
            [
                "line 1: unknown columns `titel`, `owner`; the columns are account, title, due_date, status",
                "line 1: column `status` appears more than once",
                "line 1: the required column `title` is missing",
            ]
        );
        assert_eq!(Table::read(b"", COLUMNS).unwrap_err()[0].message, "the file is empty; it needs a header row");
    }

    #[test]
    fn rows_that_cannot_be_read_are_reported_by_line_and_the_rest_kept() {
        let csv = b"account,title\nAcme,ok\nAcme,too,many\n\nAcme,\xff\xfe\nGlobex,fine\n";
        let (table, problems) = Table::read(csv, COLUMNS).unwrap();
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[1].line, 6);
        assert_eq!(problems[0].to_string(), "line 3: has 3 cells but the header has 2; quote cells that contain commas");
        assert_eq!(problems[1].to_string(), "line 5: is not UTF-8 text; save the file as UTF-8");
    }

    #[test]
    fn every_problem_of_a_row_is_kept() {
        let (table, _) = Table::read(b"account,title,due_date,status\n,x,31/12/2026,finished\n", COLUMNS).unwrap();
        let mut cells = table.cells(&table.rows[0]);
        cells.required("account");
        cells.parse("due_date", date);
        cells.choice::<crate::domain::enums::ActionStatus>("status");
        assert_eq!(
            cells.finish().unwrap().to_string(),
            "line 2: `account` is empty; due_date: `31/12/2026` is not a date like 2026-12-31; \
             status: `finished` is not a valid action status; use one of: open, done, cancelled"
        );
    }

    #[test]
    fn cell_values_are_read_forgivingly_but_checked() {
        assert_eq!(money("$1,200,000.00"), Ok(1_200_000));
        assert!(money("-5").is_err() && money("1.2M").is_err());
        assert_eq!(email(" Dana@Example.COM "), Ok("dana@example.com".into()));
        assert!(email("dana@localhost").is_err() && email("dana example.com").is_err());
        assert_eq!(yes_no("Yes"), Ok(true));
        assert_eq!(time_zone("Europe/Berlin"), Ok("Europe/Berlin".into()));
        assert!(time_zone("CET+1").is_err());
        assert!(slack_channel("#acme").unwrap_err().contains("not its name"));
        assert_eq!(slack_user("U024BE7LH"), Ok("U024BE7LH".into()));
        assert_eq!(strength("5"), Ok(5));
        assert!(strength("6").is_err());
    }
}
