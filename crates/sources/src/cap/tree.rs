//! A small element tree read with quick-xml's namespace-aware reader, so the
//! CAP mapping can look elements up by namespace and local name whatever
//! prefix the sender used. It refuses what a CAP alert never needs and an
//! attacker would use: a DTD (so no entity can be declared, no "billion
//! laughs", no external entity), references to entities other than the five
//! predefined ones, nesting deeper than [`MAX_DEPTH`] and more than
//! [`MAX_ELEMENTS`] elements.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// Deepest element nesting accepted (a CAP alert needs 5).
pub(crate) const MAX_DEPTH: usize = 32;
/// Most elements accepted in one document.
pub(crate) const MAX_ELEMENTS: usize = 20_000;

/// One element: its namespace URI (empty when unbound), local name, text and children.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub(crate) ns: String,
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) children: Vec<Element>,
    /// Byte offset of the start tag, for reports.
    pub(crate) offset: u64,
}

impl Element {
    /// Children in namespace `ns` named `name`.
    pub(crate) fn all<'a>(
        &'a self,
        ns: &'a str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> {
        self.children
            .iter()
            .filter(move |c| c.ns == ns && c.name == name)
    }

    /// The first child in namespace `ns` named `name`.
    pub(crate) fn first(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.ns == ns && c.name == name)
    }

    /// The trimmed text of the first such child, `None` when absent or empty.
    pub(crate) fn text_of(&self, ns: &str, name: &str) -> Option<String> {
        self.first(ns, name)
            .map(|e| e.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    }
}

/// Why a document could not be read as XML; `offset` is a byte position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeError {
    pub(crate) offset: u64,
    pub(crate) reason: String,
}

/// Reads the whole document into its root element.
pub(crate) fn read(text: &str) -> Result<Element, TreeError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let offset = reader.buffer_position();
        let fail = |reason: String| TreeError { offset, reason };
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| fail(format!("not well-formed XML: {e}")))?;
        let ns = match ns {
            ResolveResult::Bound(ns) => ns.0.to_owned(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(prefix) => {
                return Err(fail(format!("undeclared namespace prefix `{prefix}`")));
            }
        };
        match event {
            Event::DocType(_) => {
                return Err(fail(
                    "a DTD (<!DOCTYPE>) is not allowed: entities are refused".to_owned(),
                ));
            }
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(fail("content after the root element".to_owned()));
            }
            Event::Start(start) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(fail("too deeply nested or too many elements".to_owned()));
                }
                stack.push(Element {
                    ns,
                    name: start.local_name().as_ref().to_owned(),
                    offset,
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(fail("too many elements".to_owned()));
                }
                let element = Element {
                    ns,
                    name: start.local_name().as_ref().to_owned(),
                    offset,
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| fail("unexpected end tag".to_owned()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                match stack.last_mut() {
                    Some(current) => current.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(fail("text outside the root element".to_owned())),
                }
            }
            Event::CData(data) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&data.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                let ch = match reference
                    .resolve_char_ref()
                    .map_err(|e| fail(format!("bad character reference: {e}")))?
                {
                    Some(ch) => ch,
                    None => match &*reference {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => {
                            return Err(fail(format!(
                                "entity `&{other};` is not allowed (only the five predefined ones)"
                            )));
                        }
                    },
                };
                if let Some(current) = stack.last_mut() {
                    current.text.push(ch);
                }
            }
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(fail("the document ends inside an element".to_owned()));
                }
                return root.ok_or_else(|| fail("no root element".to_owned()));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
}
