//! Media types: the TAXII 2.1 media type, `Accept` negotiation (406) and the `Content-Type` of
//! request bodies (415), with parameters and quality values read as RFC 9110 defines them.

use axum::http::{HeaderMap, header};
use mediatype::{MediaType, MediaTypeList, ReadParams};

use crate::TaxiiError;

/// The media type of every TAXII 2.1 resource and envelope this server sends.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

/// The media type of the STIX 2.1 content a collection holds, as its `media_types` lists it.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";

/// Checks that the `Accept` headers of a request allow a TAXII 2.1 response.
///
/// No `Accept` header accepts anything (RFC 9110 section 12.5.1). Otherwise the most specific
/// range that covers `application/taxii+json;version=2.1` decides, and its quality must not
/// be zero: `application/taxii+json;version=2.1`, then `application/taxii+json` (no version:
/// the latest, which is 2.1), then `application/*`, then `*/*`.
///
/// # Errors
///
/// [`TaxiiError::NotAcceptable`] when no range covers the TAXII media type, the one that does
/// has `q=0`, or a header cannot be read.
pub fn check_accept(headers: &HeaderMap) -> Result<(), TaxiiError> {
    let values: Vec<_> = headers.get_all(header::ACCEPT).iter().collect();
    if values.is_empty() {
        return Ok(());
    }
    let mut best: Option<(u8, f32)> = None;
    for value in values {
        let text = value.to_str().map_err(|_| {
            TaxiiError::NotAcceptable("the Accept header is not visible ASCII".to_owned())
        })?;
        for range in MediaTypeList::new(text) {
            let range = range.map_err(|error| {
                TaxiiError::NotAcceptable(format!("cannot read the Accept header: {error}"))
            })?;
            let quality = quality(&range)?;
            if let Some(specificity) = covers_taxii(&range)
                && best.is_none_or(|(best, _)| specificity > best)
            {
                best = Some((specificity, quality));
            }
        }
    }
    match best {
        Some((_, quality)) if quality > 0.0 => Ok(()),
        Some(_) => Err(TaxiiError::NotAcceptable(format!(
            "the Accept header refuses {TAXII_MEDIA_TYPE} (q=0), the only media type this endpoint answers with"
        ))),
        None => Err(TaxiiError::NotAcceptable(format!(
            "this endpoint answers only with {TAXII_MEDIA_TYPE}, which the Accept header does not include"
        ))),
    }
}

/// Checks that the body of a request is a TAXII 2.1 envelope: `application/taxii+json` with
/// `version=2.1` or no version, and a `charset` of UTF-8 if one is named.
///
/// # Errors
///
/// [`TaxiiError::UnsupportedMediaType`] for a missing, unreadable or different content type.
pub fn check_content_type(headers: &HeaderMap) -> Result<(), TaxiiError> {
    let unsupported = |reason: String| {
        TaxiiError::UnsupportedMediaType(format!(
            "{reason}; the body of this request must be a TAXII envelope ({TAXII_MEDIA_TYPE})"
        ))
    };
    let value = headers
        .get(header::CONTENT_TYPE)
        .ok_or_else(|| unsupported("the request has no Content-Type".to_owned()))?;
    let text = value
        .to_str()
        .map_err(|_| unsupported("the Content-Type header is not visible ASCII".to_owned()))?;
    let media_type = MediaType::parse(text.trim())
        .map_err(|error| unsupported(format!("cannot read Content-Type {text:?}: {error}")))?;
    if !is_taxii_json(&media_type) {
        return Err(unsupported(format!(
            "Content-Type {text:?} is not supported"
        )));
    }
    for (name, value) in media_type.params() {
        let value = value.unquoted_str();
        match name.as_str().to_ascii_lowercase().as_str() {
            "version" if value != "2.1" => {
                return Err(unsupported(format!(
                    "TAXII version {value} is not supported (only 2.1)"
                )));
            }
            "charset" if !value.eq_ignore_ascii_case("utf-8") => {
                return Err(unsupported(format!(
                    "charset {value} is not supported (only UTF-8)"
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Returns how specifically `range` covers the TAXII 2.1 media type (higher is more
/// specific), or `None` when it does not.
fn covers_taxii(range: &MediaType<'_>) -> Option<u8> {
    let ty = range.ty.as_str();
    let subty = range.subty.as_str();
    if ty == "*" && subty == "*" {
        return Some(1);
    }
    if !ty.eq_ignore_ascii_case("application") {
        return None;
    }
    if subty == "*" {
        return Some(2);
    }
    if !is_taxii_json(range) {
        return None;
    }
    let version = range
        .params()
        .find(|(name, _)| name.as_str().eq_ignore_ascii_case("version"))
        .map(|(_, value)| value.unquoted_str().into_owned());
    match version.as_deref() {
        None => Some(3),
        Some("2.1") => Some(4),
        Some(_) => None,
    }
}

fn is_taxii_json(media_type: &MediaType<'_>) -> bool {
    media_type.ty.as_str().eq_ignore_ascii_case("application")
        && media_type.subty.as_str().eq_ignore_ascii_case("taxii")
        && media_type
            .suffix
            .is_some_and(|suffix| suffix.as_str().eq_ignore_ascii_case("json"))
}

/// Reads the `q` parameter of a range: a number from 0 to 1 with at most three decimals
/// (RFC 9110 section 12.4.2); 1 when absent.
fn quality(range: &MediaType<'_>) -> Result<f32, TaxiiError> {
    let Some((_, value)) = range
        .params()
        .find(|(name, _)| name.as_str().eq_ignore_ascii_case("q"))
    else {
        return Ok(1.0);
    };
    let text = value.unquoted_str();
    let valid = match text.split_once('.') {
        Some((whole, fraction)) => {
            (whole == "0" || whole == "1")
                && fraction.len() <= 3
                && fraction.bytes().all(|b| b.is_ascii_digit())
                && (whole == "0" || fraction.bytes().all(|b| b == b'0'))
        }
        None => text == "0" || text == "1",
    };
    if !valid {
        return Err(TaxiiError::NotAcceptable(format!(
            "invalid quality value q={text} in the Accept header"
        )));
    }
    Ok(text.parse().expect("a checked quality value parses"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(name: header::HeaderName, values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[track_caller]
    fn accept(values: &[&str]) -> Result<(), String> {
        check_accept(&headers(header::ACCEPT, values)).map_err(|error| error.to_string())
    }

    #[track_caller]
    fn content_type(values: &[&str]) -> Result<(), String> {
        check_content_type(&headers(header::CONTENT_TYPE, values)).map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_taxii_21_and_ranges_that_cover_it() {
        for ok in [
            &[][..],
            &["application/taxii+json;version=2.1"],
            &["application/taxii+json; version=2.1"],
            &["application/taxii+json;version=\"2.1\""],
            &["APPLICATION/TAXII+JSON;Version=2.1"],
            &["application/taxii+json"],
            &["application/*"],
            &["*/*"],
            &["text/html, application/xhtml+xml;q=0.9, */*;q=0.8"],
            &[
                "application/json",
                "application/taxii+json;version=2.1;q=0.5",
            ],
            &["application/taxii+json;version=2.0, application/taxii+json;version=2.1"],
        ] {
            assert_eq!(accept(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn refuses_other_types_versions_and_zero_quality() {
        let cases = [
            (&["application/json"][..], "does not include"),
            (&["application/taxii+json;version=2.0"], "does not include"),
            (&["application/stix+json;version=2.1"], "does not include"),
            (
                &["application/vnd.oasis.taxii+json; version=2.0"],
                "does not include",
            ),
            (&["application/taxii+json;version=2.1;q=0"], "q=0"),
            // The most specific range decides: */* does not override an explicit refusal.
            (&["*/*, application/taxii+json;version=2.1;q=0.000"], "q=0"),
            (&["application/taxii+json;q=2"], "invalid quality value q=2"),
            (&["application/taxii+json;q=0.1234"], "invalid quality"),
            (&["not a media type"], "cannot read the Accept header"),
        ];
        for (values, expected) in cases {
            let error = accept(values).expect_err("refused");
            assert!(error.contains(expected), "{values:?}: {error}");
        }
    }

    #[test]
    fn content_type_must_be_a_taxii_21_envelope() {
        for ok in [
            "application/taxii+json;version=2.1",
            "application/taxii+json",
            "application/taxii+json; charset=utf-8; version=2.1",
        ] {
            assert_eq!(content_type(&[ok]), Ok(()), "{ok}");
        }
        let cases = [
            (&[][..], "has no Content-Type"),
            (&["application/json"], "is not supported"),
            (&["application/stix+json;version=2.1"], "is not supported"),
            (
                &["application/taxii+json;version=2.0"],
                "version 2.0 is not supported",
            ),
            (&["application/taxii+json;charset=latin1"], "charset latin1"),
            (&["taxii"], "cannot read Content-Type"),
        ];
        for (values, expected) in cases {
            let error = content_type(values).expect_err("refused");
            assert!(error.contains(expected), "{values:?}: {error}");
        }
    }
}
