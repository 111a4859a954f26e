//! Documents as PDF that read right in every script a principal may have used: Latin,
//! Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil, Telugu, Kannada, Malayalam, Ol Chiki,
//! Meetei Mayek and the Perso-Arabic of Urdu, Kashmiri and Sindhi (right to left).
//!
//! A document is a short list of blocks (title, headings, paragraphs, tables). cosmic-text lays
//! each piece of text out (bidi, line breaking, font fallback by script over the machine's
//! fonts, shaping with HarfRust) and krilla writes the shaped glyphs with their fonts subset
//! and a ToUnicode map, so the text can be searched and copied out of the PDF.
//!
//! Fonts come from the machine (fontdb's system directories, e.g. `/usr/share/fonts`) and from
//! any directory the operator adds. Debian's `fonts-noto-core` covers every script above. A
//! document with a character that no font on the machine has is refused with
//! [`Error::MissingGlyphs`], naming the scripts (never the text): a PDF of empty boxes would
//! look like an answer and be none.

use cosmic_text::{
    Align, Attrs, Buffer, Family, FontSystem, LayoutGlyph, Metrics, Shaping, Weight, fontdb,
};
use krilla::geom::{PathBuilder, Point};
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use unicode_script::{Script, UnicodeScript};

/// A4, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 42.0;
const CELL_PAD: f32 = 3.0;

/// The fonts of the machine, loaded once (a scan of the font directories takes a moment), with
/// the PDF fonts made from them kept for the next document.
pub struct Fonts {
    inner: Mutex<Inner>,
}

struct Inner {
    system: FontSystem,
    pdf: HashMap<fontdb::ID, Font>,
}

impl Fonts {
    /// The system's fonts and those under `extra` (directories, searched recursively).
    pub fn load(extra: &[PathBuf]) -> Self {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        for dir in extra {
            db.load_fonts_dir(dir);
        }
        // Noto Sans first for Latin where the machine has it: it matches the Indic Noto faces
        // that the fallback picks for the other scripts.
        let has_noto = db
            .faces()
            .any(|f| f.families.iter().any(|(n, _)| n == "Noto Sans"));
        if has_noto {
            db.set_sans_serif_family("Noto Sans");
        }
        Fonts {
            inner: Mutex::new(Inner {
                system: FontSystem::new_with_locale_and_db("en-US".into(), db),
                pdf: HashMap::new(),
            }),
        }
    }

    /// How many font faces were found.
    pub fn faces(&self) -> usize {
        self.lock().system.db().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A table's column: its heading and its share of the width.
#[derive(Clone, Debug)]
pub struct Column {
    pub title: String,
    pub weight: f32,
}

/// What a document is made of.
#[derive(Clone, Debug)]
pub enum Block {
    Title(String),
    Heading(String),
    Text(String),
    /// Smaller, grey text (notes, provenance).
    Note(String),
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
    },
}

/// A document: its blocks, its language (BCP 47, for the PDF's metadata) and direction.
#[derive(Clone, Debug)]
pub struct Doc {
    pub title: String,
    pub lang: String,
    pub rtl: bool,
    /// The footer of every page; `{page}` and `{pages}` are replaced by the numbers.
    pub footer: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// Characters of these scripts (Unicode script names) have no font on this machine.
    MissingGlyphs { scripts: Vec<String> },
    /// krilla refused to write the document.
    Pdf(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::MissingGlyphs { scripts } => write!(
                f,
                "no font on this machine has the characters of {} (install fonts-noto-core, \
                 or name a font directory in pdf_font_dirs)",
                scripts.join(", ")
            ),
            Error::Pdf(e) => write!(f, "writing the PDF: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// How a piece of text looks.
#[derive(Clone, Copy)]
struct Style {
    size: f32,
    bold: bool,
    grey: bool,
}

const TITLE: Style = Style {
    size: 17.0,
    bold: true,
    grey: false,
};
const HEADING: Style = Style {
    size: 12.5,
    bold: true,
    grey: false,
};
const BODY: Style = Style {
    size: 10.0,
    bold: false,
    grey: false,
};
const NOTE: Style = Style {
    size: 8.5,
    bold: false,
    grey: true,
};
const CELL: Style = Style {
    size: 8.0,
    bold: false,
    grey: false,
};
const CELL_HEAD: Style = Style {
    size: 8.0,
    bold: true,
    grey: false,
};

/// A piece of text laid out, at its place on a page.
struct Placed {
    x: f32,
    y: f32,
    style: Style,
    buffer: Buffer,
}

/// A rule (a thin line) on a page.
struct Rule {
    x1: f32,
    x2: f32,
    y: f32,
}

#[derive(Default)]
struct Page {
    texts: Vec<Placed>,
    rules: Vec<Rule>,
}

struct Layout<'a> {
    fs: &'a mut FontSystem,
    rtl: bool,
    pages: Vec<Page>,
    y: f32,
}

impl Layout<'_> {
    fn bottom() -> f32 {
        PAGE_H - MARGIN - 18.0
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = MARGIN;
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a page")
    }

    /// Lays `text` out in a box `width` wide; returns it and its height.
    fn shape(&mut self, text: &str, style: Style, width: f32) -> (Buffer, f32) {
        let line = style.size * 1.45;
        let mut b = Buffer::new(self.fs, Metrics::new(style.size, line));
        b.set_size(Some(width.max(1.0)), None);
        let attrs = Attrs::new()
            .family(Family::SansSerif)
            .weight(if style.bold {
                Weight::BOLD
            } else {
                Weight::NORMAL
            });
        let align = if self.rtl { Align::Right } else { Align::Left };
        b.set_text(text, &attrs, Shaping::Advanced, Some(align));
        b.shape_until_scroll(self.fs, false);
        let h = b
            .layout_runs()
            .map(|r| r.line_top + r.line_height)
            .fold(0.0f32, f32::max);
        (b, h.max(line))
    }

    /// A paragraph across the page, on the next page when it does not fit on this one.
    fn paragraph(&mut self, text: &str, style: Style, before: f32, after: f32) {
        let w = PAGE_W - 2.0 * MARGIN;
        let (buffer, h) = self.shape(text, style, w);
        if self.y + before + h > Self::bottom() && self.y > MARGIN {
            self.new_page();
        } else {
            self.y += before;
        }
        let y = self.y;
        self.page().texts.push(Placed {
            x: MARGIN,
            y,
            style,
            buffer,
        });
        self.y += h + after;
    }

    /// The x of each column's left edge, right to left in a right-to-left document.
    fn column_edges(&self, widths: &[f32]) -> Vec<f32> {
        let mut x = if self.rtl { PAGE_W - MARGIN } else { MARGIN };
        widths
            .iter()
            .map(|w| {
                if self.rtl {
                    x -= w;
                    x
                } else {
                    let at = x;
                    x += w;
                    at
                }
            })
            .collect()
    }

    fn row(&mut self, cells: &[String], widths: &[f32], style: Style) -> (Vec<(Buffer, f32)>, f32) {
        let shaped: Vec<(Buffer, f32)> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| self.shape(c, style, w - 2.0 * CELL_PAD))
            .collect();
        let h = shaped.iter().map(|(_, h)| *h).fold(0.0f32, f32::max) + 2.0 * CELL_PAD;
        (shaped, h)
    }

    fn place_row(&mut self, shaped: Vec<(Buffer, f32)>, edges: &[f32], h: f32, style: Style) {
        let y = self.y;
        for ((buffer, _), x) in shaped.into_iter().zip(edges) {
            self.page().texts.push(Placed {
                x: x + CELL_PAD,
                y: y + CELL_PAD,
                style,
                buffer,
            });
        }
        self.y += h;
        let y = self.y;
        self.page().rules.push(Rule {
            x1: MARGIN,
            x2: PAGE_W - MARGIN,
            y,
        });
    }

    fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        let total: f32 = columns.iter().map(|c| c.weight.max(0.01)).sum();
        let widths: Vec<f32> = columns
            .iter()
            .map(|c| (PAGE_W - 2.0 * MARGIN) * c.weight.max(0.01) / total)
            .collect();
        let edges = self.column_edges(&widths);
        let titles: Vec<String> = columns.iter().map(|c| c.title.clone()).collect();
        self.y += 4.0;
        let mut header_on_page = false;
        for row in rows {
            let (shaped, h) = self.row(row, &widths, CELL);
            if !header_on_page || self.y + h > Self::bottom() {
                if header_on_page || self.y + 40.0 > Self::bottom() {
                    self.new_page();
                }
                let (head, hh) = self.row(&titles, &widths, CELL_HEAD);
                self.place_row(head, &edges, hh, CELL_HEAD);
                header_on_page = true;
            }
            self.place_row(shaped, &edges, h, CELL);
        }
        if rows.is_empty() {
            let (head, hh) = self.row(&titles, &widths, CELL_HEAD);
            self.place_row(head, &edges, hh, CELL_HEAD);
        }
        self.y += 8.0;
    }
}

/// Writes `doc` as PDF with the fonts of `fonts`.
pub fn render(doc: &Doc, fonts: &Fonts) -> Result<Vec<u8>, Error> {
    let mut guard = fonts.lock();
    let Inner { system, pdf } = &mut *guard;
    let mut layout = Layout {
        fs: system,
        rtl: doc.rtl,
        pages: Vec::new(),
        y: MARGIN,
    };
    layout.new_page();
    for block in &doc.blocks {
        match block {
            Block::Title(t) => layout.paragraph(t, TITLE, 0.0, 8.0),
            Block::Heading(t) => layout.paragraph(t, HEADING, 8.0, 4.0),
            Block::Text(t) => layout.paragraph(t, BODY, 0.0, 4.0),
            Block::Note(t) => layout.paragraph(t, NOTE, 0.0, 3.0),
            Block::Table { columns, rows } => layout.table(columns, rows),
        }
    }
    let mut pages = std::mem::take(&mut layout.pages);
    let n = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let footer = doc
            .footer
            .replace("{page}", &(i + 1).to_string())
            .replace("{pages}", &n.to_string());
        let (buffer, _) = layout.shape(&footer, NOTE, PAGE_W - 2.0 * MARGIN);
        page.texts.push(Placed {
            x: MARGIN,
            y: PAGE_H - MARGIN,
            style: NOTE,
            buffer,
        });
    }

    let mut missing = BTreeSet::new();
    let mut document = krilla::Document::new();
    let mut metadata = krilla::metadata::Metadata::new()
        .title(doc.title.clone())
        .language(doc.lang.clone())
        .creator("Anumodan".into());
    if doc.rtl {
        metadata = metadata.text_direction(krilla::metadata::TextDirection::RightToLeft);
    }
    document.set_metadata(metadata);
    for page in &pages {
        let settings = krilla::page::PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| Error::Pdf("page size".into()))?;
        let mut p = document.start_page_with(settings);
        let mut surface = p.surface();
        surface.set_stroke(Some(Stroke {
            paint: krilla::color::rgb::Color::new(200, 200, 200).into(),
            width: 0.5,
            ..Default::default()
        }));
        for r in &page.rules {
            let mut pb = PathBuilder::new();
            pb.move_to(r.x1, r.y);
            pb.line_to(r.x2, r.y);
            if let Some(path) = pb.finish() {
                surface.draw_path(&path);
            }
        }
        surface.set_stroke(None);
        for t in &page.texts {
            let colour = if t.style.grey {
                krilla::color::rgb::Color::new(80, 80, 80)
            } else {
                krilla::color::rgb::Color::black()
            };
            surface.set_fill(Some(Fill {
                paint: colour.into(),
                ..Default::default()
            }));
            for run in t.buffer.layout_runs() {
                let baseline = t.y + run.line_y;
                for group in groups(run.glyphs) {
                    for g in group {
                        if g.glyph_id == 0 {
                            for c in run.text[g.start..g.end].chars() {
                                if !c.is_whitespace() && !c.is_control() && !ignorable(c) {
                                    missing.insert(script_name(c.script()));
                                }
                            }
                        }
                    }
                    let first = &group[0];
                    let font = pdf_font(layout.fs, pdf, first.font_id)?;
                    let size = first.font_size;
                    let glyphs: Vec<KrillaGlyph> = group
                        .iter()
                        .map(|g| {
                            KrillaGlyph::new(
                                GlyphId::new(u32::from(g.glyph_id)),
                                g.w / size,
                                g.x_offset,
                                g.y_offset,
                                0.0,
                                g.start..g.end,
                                None,
                            )
                        })
                        .collect();
                    surface.draw_glyphs(
                        Point::from_xy(t.x + first.x, baseline),
                        &glyphs,
                        font,
                        run.text,
                        size,
                        false,
                    );
                }
            }
        }
        surface.finish();
        p.finish();
    }
    if !missing.is_empty() {
        return Err(Error::MissingGlyphs {
            scripts: missing.into_iter().collect(),
        });
    }
    document.finish().map_err(|e| Error::Pdf(format!("{e:?}")))
}

/// Runs of glyphs drawn together: the same font and size, each starting where the one before
/// it ended.
fn groups(glyphs: &[LayoutGlyph]) -> Vec<&[LayoutGlyph]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=glyphs.len() {
        let split = i == glyphs.len() || {
            let (a, b) = (&glyphs[i - 1], &glyphs[i]);
            a.font_id != b.font_id || a.font_size != b.font_size || (a.x + a.w - b.x).abs() > 0.01
        };
        if split {
            if start < i {
                out.push(&glyphs[start..i]);
            }
            start = i;
        }
    }
    out
}

/// The PDF font for a face of the machine, read once.
fn pdf_font(
    fs: &mut FontSystem,
    cache: &mut HashMap<fontdb::ID, Font>,
    id: fontdb::ID,
) -> Result<Font, Error> {
    if let Some(f) = cache.get(&id) {
        return Ok(f.clone());
    }
    let (data, index) = fs
        .db()
        .with_face_data(id, |data, index| (Arc::new(data.to_vec()), index))
        .ok_or_else(|| Error::Pdf("a font went away".into()))?;
    let font = Font::new(data.into(), index).ok_or_else(|| Error::Pdf("a font unread".into()))?;
    cache.insert(id, font.clone());
    Ok(font)
}

/// Format characters that are never drawn (joiners, direction marks, the byte order mark):
/// shaping hides them, whatever glyph the font has.
fn ignorable(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

fn script_name(s: Script) -> String {
    s.full_name().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(lang: &str, rtl: bool, blocks: Vec<Block>) -> Doc {
        Doc {
            title: "t".into(),
            lang: lang.into(),
            rtl,
            footer: "{page} / {pages}".into(),
            blocks,
        }
    }

    /// Every message of the principal's pages, in each of the 23 languages, is drawn with a
    /// real glyph: the machine's fonts (Debian's fonts-noto-core, which `.ci/run` installs)
    /// cover every script the pages use.
    #[test]
    fn every_language_of_the_pages_is_drawn_without_a_missing_glyph() {
        let fonts = Fonts::load(&[]);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/web/locales");
        let mut langs = 0;
        for entry in std::fs::read_dir(&root).expect("the locales") {
            let dir = entry.expect("a locale").path();
            let lang = dir.file_name().unwrap().to_string_lossy().to_string();
            let mut rows = Vec::new();
            for file in std::fs::read_dir(&dir).expect("the files") {
                let text = std::fs::read_to_string(file.expect("a file").path()).expect("ftl");
                for line in text.lines() {
                    if let Some((key, value)) = line.split_once(" = ") {
                        rows.push(vec![key.to_string(), value.to_string()]);
                    }
                }
            }
            assert!(rows.len() > 50, "{lang}: {} messages", rows.len());
            let rtl = matches!(lang.as_str(), "ur" | "ks" | "sd");
            let columns = vec![
                Column {
                    title: "key".into(),
                    weight: 1.0,
                },
                Column {
                    title: "message".into(),
                    weight: 3.0,
                },
            ];
            let d = doc(&lang, rtl, vec![Block::Table { columns, rows }]);
            let pdf = render(&d, &fonts).unwrap_or_else(|e| panic!("{lang}: {e}"));
            assert!(pdf.starts_with(b"%PDF-"), "{lang}");
            langs += 1;
        }
        assert_eq!(langs, 23);
    }

    /// A character no font has is refused, naming its script and not the text.
    #[test]
    fn a_character_without_a_font_is_refused_by_its_script() {
        let fonts = Fonts::load(&[]);
        // A character of the last private use plane.
        let d = doc("en", false, vec![Block::Text("Consent \u{10FFFD}".into())]);
        match render(&d, &fonts) {
            Err(Error::MissingGlyphs { scripts }) => assert_eq!(scripts, vec!["Unknown"]),
            other => panic!("{other:?}"),
        }
    }

    /// A long table goes over pages, each with its header and a footer of its own.
    #[test]
    fn a_long_table_runs_over_pages() {
        let fonts = Fonts::load(&[]);
        let rows: Vec<Vec<String>> = (0..200).map(|i| vec![format!("row {i}")]).collect();
        let columns = vec![Column {
            title: "n".into(),
            weight: 1.0,
        }];
        let pdf = render(
            &doc("en", false, vec![Block::Table { columns, rows }]),
            &fonts,
        )
        .expect("written");
        // 200 rows of about 18 points: four pages of A4.
        let pages = count(&pdf, b"/Type /Page") + count(&pdf, b"/Type/Page")
            - count(&pdf, b"/Type /Pages")
            - count(&pdf, b"/Type/Pages");
        assert!(pages >= 4, "pages: {pages}");
    }

    fn count(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len()).filter(|w| *w == needle).count()
    }
}
