//! HTML: the visible text (without scripts, styles and templates), block elements on their own
//! lines (a table row on one line, its cells separated by tabs), then the targets of links,
//! images, scripts, frames and forms, one per line.

use scraper::{ElementRef, Html, Node, Selector};

/// Elements whose content is never shown.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "object",
];

/// Elements that start a new line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "dt",
    "dd",
];

/// Table cells: separated by a tab within their row's line.
const CELLS: &[&str] = &["td", "th"];

/// Inline elements whose content is a word of its own (an indicator in `<code>` is not glued
/// to the text around it), but that stay in their sentence.
const SEPARATED: &[&str] = &["code", "kbd", "samp"];

/// Attributes that hold link targets.
const LINK_ATTRS: &[(&str, &str)] = &[
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("script", "src"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
    ("source", "src"),
    ("form", "action"),
];

/// Returns the `<title>` and the text to extract from.
pub(super) fn visible_text(source: &str) -> (Option<String>, String) {
    let document = Html::parse_document(source);
    let mut text = String::with_capacity(source.len() / 2);
    let mut links: Vec<String> = Vec::new();
    let selector = Selector::parse("title").expect("a valid constant selector");
    let title = document
        .select(&selector)
        .map(|element| element.text().collect::<Vec<_>>().join(" "))
        .map(|value| value.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|value| !value.is_empty());
    // Iterative walk: deeply nested hostile documents must not overflow the stack.
    let mut stack = vec![(document.tree.root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        if leaving {
            if let Some(element) = ElementRef::wrap(node) {
                let name = element.value().name();
                if BLOCKS.contains(&name) && !text.ends_with('\n') {
                    text.push('\n');
                } else if SEPARATED.contains(&name) && !text.ends_with([' ', '\n', '\t']) {
                    text.push(' ');
                }
            }
            continue;
        }
        match node.value() {
            Node::Text(content) => {
                let content: &str = content;
                // Collapse runs of white space as a browser would.
                let mut last_space = text.ends_with([' ', '\n', '\t']) || text.is_empty();
                for c in content.chars() {
                    if c.is_whitespace() {
                        if !last_space {
                            text.push(' ');
                            last_space = true;
                        }
                    } else {
                        text.push(c);
                        last_space = false;
                    }
                }
            }
            Node::Element(element) => {
                let name = element.name();
                for (tag, attr) in LINK_ATTRS {
                    if name == *tag
                        && let Some(target) = element.attr(attr)
                    {
                        let target = target.trim();
                        if !target.is_empty()
                            && !target.starts_with('#')
                            && !target.starts_with("javascript:")
                        {
                            links.push(target.to_owned());
                        }
                    }
                }
                if HIDDEN.contains(&name) {
                    continue;
                }
                if BLOCKS.contains(&name) && !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                if SEPARATED.contains(&name)
                    && !text.is_empty()
                    && !text.ends_with([' ', '\n', '\t'])
                {
                    text.push(' ');
                }
                if CELLS.contains(&name) && !text.is_empty() && !text.ends_with(['\n', '\t']) {
                    if text.ends_with(' ') {
                        text.pop();
                    }
                    text.push('\t');
                }
                stack.push((node, true));
                let children: Vec<_> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push((child, false));
                }
            }
            _ => {
                let children: Vec<_> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push((child, false));
                }
            }
        }
    }
    // Link targets not already visible as text follow the body, one per line.
    let mut seen = std::collections::HashSet::new();
    let mut first = true;
    for link in links {
        if text.contains(link.as_str()) || !seen.insert(link.clone()) {
            continue;
        }
        if first {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push('\n');
            first = false;
        }
        text.push_str(&link);
        text.push('\n');
    }
    (title, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_visible_text_and_link_targets() {
        let (title, text) = visible_text(
            "<html><head><title> APT  report </title><style>p{}</style></head>\
             <body><p>C2 at <b>evil[.]example</b></p><script>var x='1.2.3.4'</script>\
             <a href=\"https://c2.example.net/gate\">here</a><img src=\"/logo.png\"></body></html>",
        );
        assert_eq!(title.as_deref(), Some("APT report"));
        assert_eq!(
            text,
            "C2 at evil[.]example\nhere\n\nhttps://c2.example.net/gate\n/logo.png\n"
        );
    }

    #[test]
    fn table_rows_are_lines_with_tab_separated_cells() {
        let (_, text) = visible_text(
            "<table><tr><th>Value</th><th>Role</th></tr>\
             <tr><td> 185.220.101.4 </td><td>C2 of <b>S0154</b></td></tr>\
             <tr><td>evil[.]example</td></tr></table><p>after<code>1.2.3.4</code>, in line</p>",
        );
        assert_eq!(
            text,
            "Value\tRole\n185.220.101.4\tC2 of S0154\nevil[.]example\nafter 1.2.3.4 , in line\n"
        );
    }
}
