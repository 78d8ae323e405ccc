//! The trainees of one year as the rosters show them, for the consistency checks: each
//! distinct person (by ID number; by name + phone when the ID is unusable —
//! [`crate::extract::person_key`]) with whether any of their rows says passed / certified
//! and when their training ended.

use std::borrow::Cow;
// A fast, randomly seeded hasher: these maps hold thousands of IDs per check.
use foldhash::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::extract::{person_key, Extracted, PersonRecord, PersonTable, TableKind};
use crate::report::Location;

use super::common::table_location;

#[derive(Debug, Default, Clone)]
pub struct Person {
    /// `Some(true)` when a row says passed or carries a certificate number.
    pub passed: Option<bool>,
    /// The latest training end of the person's rows.
    pub training_end: Option<NaiveDate>,
}

/// One year's trainees and the tables they came from.
pub struct Population<'a> {
    pub year: i32,
    pub tables: Vec<&'a PersonTable>,
    pub persons: HashMap<Key<'a>, Person>,
}

/// A person's identity: exactly [`person_key`]'s (the ID number upper-cased, else name +
/// phone), without formatting a key for each of thousands of rows: an ID of 17 digits
/// and a check character is held as one number, any other ID text is borrowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key<'a> {
    /// 17 digits × 11 + the check character (X = 10).
    Num(u64),
    Id(Cow<'a, str>),
    Other(String),
}

impl Key<'_> {
    /// The ID number of an ID key (upper-case), for messages (masked by the caller).
    pub fn id_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Key::Num(n) => {
                let last = match n % 11 {
                    10 => 'X',
                    d => char::from(b'0' + d as u8),
                };
                Some(Cow::Owned(format!("{:017}{last}", n / 11)))
            }
            Key::Id(id) => Some(Cow::Borrowed(id)),
            Key::Other(_) => None,
        }
    }
}

pub fn key(record: &PersonRecord) -> Key<'_> {
    if let Some(crate::extract::IdCell::Text(raw)) = &record.id {
        if let Some(n) = numeric_id(raw.as_bytes()) {
            return Key::Num(n);
        }
    }
    match id_text(record) {
        Some(id) => match numeric_id(id.as_bytes()) {
            Some(n) => Key::Num(n),
            None if !id.is_ascii() || id.bytes().any(|b| b.is_ascii_lowercase()) => Key::Id(Cow::Owned(id.to_uppercase())),
            None => Key::Id(Cow::Borrowed(id)),
        },
        None => Key::Other(person_key(record)),
    }
}

/// 17 ASCII digits and a digit or x/X, as one number.
fn numeric_id(bytes: &[u8]) -> Option<u64> {
    let (body, last) = match bytes {
        [body @ .., last] if body.len() == 17 => (body, *last),
        _ => return None,
    };
    let mut n: u64 = 0;
    for &b in body {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    let check = match last {
        b'0'..=b'9' => u64::from(last - b'0'),
        b'X' | b'x' => 10,
        _ => return None,
    };
    Some(n * 11 + check)
}

impl<'a> Population<'a> {
    pub fn of(extracted: &'a Extracted, year: i32) -> Population<'a> {
        let tables: Vec<&PersonTable> = extracted.tables_for(TableKind::TrainingRoster, year).collect();
        let mut persons: HashMap<Key, Person> = HashMap::default();
        for record in tables.iter().flat_map(|t| &t.records) {
            let person = persons.entry(key(record)).or_default();
            person.passed = merge_passed(person.passed, passed(record));
            person.training_end = person.training_end.max(record.training_end);
        }
        Population { year, tables, persons }
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// Whether any row states a result (passed / failed / a certificate).
    pub fn states_results(&self) -> bool {
        self.persons.values().any(|p| p.passed.is_some())
    }

    pub fn passed(&self) -> usize {
        self.persons.values().filter(|p| p.passed == Some(true)).count()
    }

    /// Where a finding about the year's rosters points: the one roster, else `fallback`
    /// (the form's figure) when the year's persons are spread over several.
    pub fn location(&self, fallback: Option<&Location>) -> Location {
        match (self.tables.as_slice(), fallback) {
            ([one], _) => table_location(one),
            (_, Some(fallback)) => fallback.clone(),
            ([first, ..], None) => table_location(first),
            ([], None) => Location::default(),
        }
    }

    /// "文件“a.xlsx” 工作表“Sheet1”、文件“b.xlsx”…" for messages.
    pub fn tables_zh(&self) -> String {
        self.tables.iter().map(|t| table_location(t).describe_zh()).collect::<Vec<_>>().join("、")
    }
}

/// Second ways to find a roster person for a row whose key is not in the roster (its ID
/// lost digits on one side, or was mistyped on one): the same name and phone, else a name
/// that only one trainee of the year has.
pub struct Aliases<'a> {
    name_phone: HashMap<(String, String), Key<'a>>,
    /// `None` when two trainees share the name.
    name: HashMap<String, Option<Key<'a>>>,
}

impl<'a> Aliases<'a> {
    pub fn of(population: &Population<'a>) -> Aliases<'a> {
        let mut aliases = Aliases { name_phone: HashMap::default(), name: HashMap::default() };
        for record in population.tables.iter().flat_map(|t| &t.records) {
            let Some(name) = name_of(record) else { continue };
            let person = key(record);
            if let Some(phone) = phone_of(record) {
                aliases.name_phone.entry((name.clone(), phone)).or_insert_with(|| person.clone());
            }
            aliases
                .name
                .entry(name)
                .and_modify(|known| {
                    if known.as_ref() != Some(&person) {
                        *known = None;
                    }
                })
                .or_insert(Some(person));
        }
        aliases
    }

    pub fn find(&self, record: &PersonRecord) -> Option<&Key<'a>> {
        let name = name_of(record)?;
        if let Some(phone) = phone_of(record) {
            if let Some(person) = self.name_phone.get(&(name.clone(), phone)) {
                return Some(person);
            }
        }
        self.name.get(&name)?.as_ref()
    }
}

fn name_of(record: &PersonRecord) -> Option<String> {
    let name: String = record.name.as_deref()?.chars().filter(|c| !c.is_whitespace()).collect();
    (!name.is_empty()).then_some(name)
}

fn phone_of(record: &PersonRecord) -> Option<String> {
    let digits: String = record.phone.as_deref()?.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// A row's result: the 考核结果 column, else a certificate number means certified.
pub fn passed(record: &PersonRecord) -> Option<bool> {
    match record.passed {
        Some(p) => Some(p),
        None if record.certificate.as_deref().is_some_and(|c| !c.trim().is_empty()) => Some(true),
        None => None,
    }
}

fn merge_passed(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), _) | (_, Some(false)) => Some(false),
        _ => None,
    }
}

/// The rows whose identity a falsification check looks at: every roster row, and the
/// tracking rows of persons no roster lists (a tracking row of a listed trainee repeats
/// the roster's ID, and one problem is reported once, where the trainee is listed).
pub fn identity_rows(extracted: &Extracted) -> Vec<(&PersonTable, &PersonRecord)> {
    let rosters = extracted.tables.iter().filter(|t| t.kind == TableKind::TrainingRoster);
    let listed = Listed::new(rosters.clone().flat_map(|t| &t.records));
    let mut rows: Vec<(&PersonTable, &PersonRecord)> = rosters.flat_map(|t| t.records.iter().map(move |r| (t, r))).collect();
    for table in extracted.tables.iter().filter(|t| t.kind == TableKind::EmploymentTracking) {
        rows.extend(table.records.iter().filter(|r| !listed.contains(r)).map(|r| (table, r)));
    }
    rows
}

/// The persons a set of rows lists, for "is this tracking row's person in a roster?".
pub struct Listed<'a>(HashSet<Key<'a>>);

impl<'a> Listed<'a> {
    pub fn new(records: impl Iterator<Item = &'a PersonRecord>) -> Listed<'a> {
        Listed(records.map(key).collect())
    }

    pub fn contains(&self, record: &PersonRecord) -> bool {
        self.0.contains(&key(record))
    }
}

/// The trimmed ID text of a row whose ID is stored as text and not blank.
fn id_text(record: &PersonRecord) -> Option<&str> {
    match &record.id {
        Some(crate::extract::IdCell::Text(id)) if !id.trim().is_empty() => Some(id.trim()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::{distinct_persons, IdCell};

    #[test]
    fn key_is_the_identity_of_person_key() {
        let mut records: Vec<PersonRecord> = (0..6).map(|i| person(i + 2, i, 2022)).collect();
        let mut lower = records[0].clone();
        lower.id = lower.id.map(|id| match id {
            IdCell::Text(t) => IdCell::Text(format!(" {} ", t.to_lowercase())),
            other => other,
        });
        records.push(lower);
        let mut no_id = records[1].clone();
        no_id.id = None;
        records.push(no_id.clone());
        records.push(no_id);
        let mut lost = records[2].clone();
        lost.id = Some(IdCell::NumberLostDigits("210102199001011000".into()));
        records.push(lost);
        let mut odd = records[3].clone();
        odd.id = Some(IdCell::Text("２１０１０２".into()));
        records.push(odd.clone());
        odd.row += 1;
        records.push(odd);
        let keys: HashSet<Key> = records.iter().map(key).collect();
        assert_eq!(keys.len(), distinct_persons(&records));
        assert_eq!(keys.len(), 9);
        let id = id_of(0);
        assert_eq!(key(&records[0]).id_text().as_deref(), Some(id.as_str()));
        assert_eq!(key(&records[6]), key(&records[0]), "lower-case and padded is the same person");
    }
}
