//! Who may join: participant kinds, ISO 3166-1 country codes, and the programme's area from
//! which government participants must come.
//!
//! The area is data (`data/programme-area.toml`, compiled in), so that changing it is an
//! edit of one documented file.

use std::fmt;
use std::str::FromStr;

/// The kind of a participant organisation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ParticipantKind {
    /// A government body (a national CSIRT, an agency); must come from the programme's area.
    Government,
    /// A hub that relays intelligence between communities.
    Hub,
    /// A partner organisation (industry, academia, an international body).
    Partner,
}

/// Error returned when a string is not a participant kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown participant kind {value:?}: expected government, hub or partner")]
pub struct ParticipantKindError {
    /// The offending input.
    pub value: String,
}

impl ParticipantKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::Government, Self::Hub, Self::Partner];

    /// Returns the lower-case name used in storage, on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Government => "government",
            Self::Hub => "hub",
            Self::Partner => "partner",
        }
    }

    /// Parses a name as [`ParticipantKind::as_str`] prints it (case-insensitive).
    ///
    /// # Errors
    ///
    /// Returns [`ParticipantKindError`] for anything else.
    pub fn parse(text: &str) -> Result<Self, ParticipantKindError> {
        let lower = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == lower)
            .ok_or_else(|| ParticipantKindError {
                value: text.to_owned(),
            })
    }
}

impl fmt::Display for ParticipantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ParticipantKind {
    type Err = ParticipantKindError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// An officially assigned ISO 3166-1 alpha-2 country code, in upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(into = "String")]
pub struct Country([u8; 2]);

/// Error returned when a string is not an assigned ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not an ISO 3166-1 alpha-2 country code (two letters, e.g. FR, DE, GB)")]
pub struct CountryError {
    /// The offending input.
    pub value: String,
}

impl Country {
    /// Parses a code, in any case (`fr` is `FR`).
    ///
    /// # Errors
    ///
    /// Returns [`CountryError`] when `text` is not an officially assigned alpha-2 code
    /// (user-assigned codes such as `XK` and reserved ones such as `UK` are refused).
    pub fn parse(text: &str) -> Result<Self, CountryError> {
        let upper = text.trim().to_ascii_uppercase();
        let error = || CountryError {
            value: text.to_owned(),
        };
        let bytes: [u8; 2] = upper.as_bytes().try_into().map_err(|_| error())?;
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(error());
        }
        rust_iso3166::from_alpha2(&upper).ok_or_else(error)?;
        Ok(Self(bytes))
    }

    /// Returns the code (`FR`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a country code is two ASCII letters")
    }

    /// Returns the country's English short name from ISO 3166-1 (`France`).
    pub fn name(&self) -> &'static str {
        rust_iso3166::from_alpha2(self.as_str()).map_or("unknown", |country| country.name)
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Country {
    type Err = CountryError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl From<Country> for String {
    fn from(country: Country) -> Self {
        country.as_str().to_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The countries from which government participants may come, in named groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeArea {
    groups: Vec<AreaGroup>,
}

/// One group of the area (`EU member state`, `EFTA member state`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaGroup {
    /// The group's name, used in messages.
    pub name: String,
    /// Its countries.
    pub countries: Vec<Country>,
}

/// Error returned when an area file is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid programme area: {message}")]
pub struct AreaError {
    /// What is wrong, and where.
    pub message: String,
}

/// Error returned when a participant may not join.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{country} ({country_name}) is outside the programme's area: government participants must \
     come from {rule}"
)]
pub struct EligibilityError {
    /// The participant's country.
    pub country: Country,
    /// Its name.
    pub country_name: &'static str,
    /// The rule, naming the groups of the area.
    pub rule: String,
}

/// The area compiled into Phalanx.
const PROGRAMME_AREA: &str = include_str!("../data/programme-area.toml");

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaFile {
    group: Vec<GroupFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    name: String,
    countries: Vec<String>,
}

impl ProgrammeArea {
    /// Returns the programme's area as compiled in from `data/programme-area.toml`.
    ///
    /// # Panics
    ///
    /// Never in a tested build: the compiled-in file is checked by a unit test.
    pub fn builtin() -> Self {
        Self::from_toml(PROGRAMME_AREA).expect("the compiled-in programme area is valid")
    }

    /// Parses an area file (the format of `data/programme-area.toml`).
    ///
    /// # Errors
    ///
    /// Returns [`AreaError`] for malformed TOML, unknown keys or codes that are not ISO
    /// 3166-1 alpha-2.
    pub fn from_toml(text: &str) -> Result<Self, AreaError> {
        let file: AreaFile = toml::from_str(text).map_err(|error| AreaError {
            message: error.to_string().trim_end().to_owned(),
        })?;
        let mut groups = Vec::with_capacity(file.group.len());
        for group in file.group {
            let countries = group
                .countries
                .iter()
                .map(|code| {
                    Country::parse(code).map_err(|error| AreaError {
                        message: format!("group {:?}: {error}", group.name),
                    })
                })
                .collect::<Result<_, _>>()?;
            groups.push(AreaGroup {
                name: group.name,
                countries,
            });
        }
        Ok(Self { groups })
    }

    /// Returns the groups.
    pub fn groups(&self) -> &[AreaGroup] {
        &self.groups
    }

    /// Returns the group a country belongs to, if any.
    pub fn group_of(&self, country: Country) -> Option<&AreaGroup> {
        self.groups
            .iter()
            .find(|group| group.countries.contains(&country))
    }

    /// Checks that a participant of this kind and country may join: government participants
    /// must come from the area; hubs and partners may come from anywhere.
    ///
    /// # Errors
    ///
    /// Returns [`EligibilityError`] naming the country and the rule.
    pub fn check(&self, kind: ParticipantKind, country: Country) -> Result<(), EligibilityError> {
        if kind != ParticipantKind::Government || self.group_of(country).is_some() {
            return Ok(());
        }
        let names: Vec<&str> = self
            .groups
            .iter()
            .map(|group| group.name.as_str())
            .collect();
        Err(EligibilityError {
            country,
            country_name: country.name(),
            rule: format!("the programme's area ({})", names.join(", ")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> Country {
        Country::parse(code).expect("a valid code")
    }

    #[test]
    fn the_builtin_area_has_the_programmes_43_countries() {
        let area = ProgrammeArea::builtin();
        let sizes: Vec<(&str, usize)> = area
            .groups()
            .iter()
            .map(|group| (group.name.as_str(), group.countries.len()))
            .collect();
        assert_eq!(
            sizes,
            [
                ("EU member state", 27),
                ("EU candidate country", 9),
                ("EFTA member state", 4),
                ("United Kingdom", 1),
                ("Monaco", 1),
                ("Vatican City", 1),
            ]
        );
    }

    #[test]
    fn governments_from_the_area_are_eligible() {
        let area = ProgrammeArea::builtin();
        for code in ["FR", "de", "UA", "CH", "GB", "MC", "VA", "IS", "ME"] {
            assert_eq!(
                area.check(ParticipantKind::Government, country(code)),
                Ok(()),
                "{code}"
            );
        }
    }

    #[test]
    fn governments_from_elsewhere_are_refused_with_the_country_and_the_rule() {
        let area = ProgrammeArea::builtin();
        let error = area
            .check(ParticipantKind::Government, country("US"))
            .expect_err("US is outside the area");
        let message = error.to_string();
        assert!(message.starts_with("US (United States"), "{message}");
        assert!(message.contains("EU candidate country"), "{message}");
        assert!(
            message.contains("government participants must come from"),
            "{message}"
        );
        for code in ["RU", "BY", "CN", "AM", "SM", "AD"] {
            assert!(
                area.check(ParticipantKind::Government, country(code))
                    .is_err(),
                "{code}"
            );
        }
    }

    #[test]
    fn hubs_and_partners_may_come_from_anywhere() {
        let area = ProgrammeArea::builtin();
        assert_eq!(area.check(ParticipantKind::Hub, country("US")), Ok(()));
        assert_eq!(area.check(ParticipantKind::Partner, country("JP")), Ok(()));
    }

    #[test]
    fn only_assigned_alpha2_codes_are_countries() {
        assert_eq!(country("fr").as_str(), "FR");
        assert_eq!(country("FR").name(), "France");
        for bad in ["UK", "XK", "EU", "FRA", "F", "", "1A", "ÉÉ"] {
            assert!(Country::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn malformed_area_files_are_refused() {
        let error = ProgrammeArea::from_toml("[[group]]\nname = \"x\"\ncountries = [\"ZZ\"]\n")
            .expect_err("ZZ is not assigned");
        assert!(error.message.contains("ZZ"), "{error}");
        assert!(ProgrammeArea::from_toml("[[group]]\nname = \"x\"\n").is_err());
    }

    #[test]
    fn kinds_parse_their_names() {
        for kind in ParticipantKind::ALL {
            assert_eq!(ParticipantKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(ParticipantKind::parse("ngo").is_err());
    }
}
