//! A PDF page's content stream interpreted for what extraction needs: every text run
//! with its position, size and decoded characters, and every image drawn with the matrix
//! it was drawn with. Form XObjects are walked (their own resources and matrix), inline
//! images are recorded.
//!
//! Text is decoded through the font's ToUnicode CMap first (parsed here, so the code
//! lengths of its codespace are known), then lopdf's encodings (simple fonts with
//! Differences, standard encodings, UniGB-UCS2-H). Glyph advances come from /Widths or
//! /W, so runs that LibreOffice writes one per style change can be put back into lines
//! by [`layout`].

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Encoding, Object, ObjectId, Stream};

/// Row-vector affine matrix [a b c d e f] as PDF writes it.
pub type Matrix = [f32; 6];

pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` applied first, then `n` (PDF: m × n).
pub fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

pub fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// A run of text in default user space.
#[derive(Debug, Clone)]
pub struct Fragment {
    pub text: String,
    /// Baseline start and end points.
    pub start: (f32, f32),
    pub end: (f32, f32),
    /// Font size in user space.
    pub size: f32,
}

/// Where an image came from.
#[derive(Debug, Clone)]
pub enum ImageRef {
    Object(ObjectId),
    /// Inline image (BI … ID … EI) or a stream written directly into a resource dictionary.
    Inline(Box<Stream>),
}

/// An image drawn on the page: the unit square mapped by `ctm` into user space.
#[derive(Debug, Clone)]
pub struct Placement {
    pub image: ImageRef,
    pub ctm: Matrix,
}

#[derive(Debug, Default)]
pub struct PageScan {
    pub fragments: Vec<Fragment>,
    pub images: Vec<Placement>,
    /// Character codes shown, and how many had no Unicode mapping.
    pub codes_shown: usize,
    pub codes_unmapped: usize,
}

/// Hard ceilings for hostile content: nesting of forms, operations over the page.
const MAX_FORM_DEPTH: usize = 12;
const MAX_OPERATIONS: usize = 3_000_000;

/// Interprets one page. `limit` bounds every decompression.
pub fn scan_page(doc: &Document, page_id: ObjectId, limit: usize) -> Result<PageScan, lopdf::Error> {
    let content = doc.get_page_content_with_limit(page_id, limit)?;
    let (direct, ids) = doc.get_page_resources(page_id)?;
    let mut resources: Vec<&Dictionary> = Vec::new();
    if let Some(d) = direct {
        resources.push(d);
    }
    for id in ids {
        if let Ok(d) = doc.get_dictionary(id) {
            resources.push(d);
        }
    }
    let mut scanner = Scanner { doc, limit, fonts: HashMap::new(), scan: PageScan::default(), operations: 0 };
    let mut visiting = HashSet::new();
    scanner.run(&content, &resources, IDENTITY, 0, &mut visiting);
    Ok(scanner.scan)
}

struct Scanner<'a> {
    doc: &'a Document,
    limit: usize,
    /// Fonts by the address of their dictionary (one decode per font per page).
    fonts: HashMap<usize, std::rc::Rc<Font<'a>>>,
    scan: PageScan,
    operations: usize,
}

#[derive(Clone)]
struct TextState<'a> {
    font: Option<std::rc::Rc<Font<'a>>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

#[derive(Clone)]
struct GState<'a> {
    ctm: Matrix,
    text: TextState<'a>,
}

impl<'a> Scanner<'a> {
    fn lookup(&self, resources: &[&'a Dictionary], category: &[u8], name: &[u8]) -> Option<&'a Object> {
        for res in resources {
            let Ok(cat) = res.get(category) else { continue };
            let Ok((_, cat)) = self.doc.dereference(cat) else { continue };
            let Ok(cat) = cat.as_dict() else { continue };
            if let Ok(obj) = cat.get(name) {
                return Some(obj);
            }
        }
        None
    }

    fn font(&mut self, resources: &[&'a Dictionary], name: &[u8]) -> Option<std::rc::Rc<Font<'a>>> {
        let obj = self.lookup(resources, b"Font", name)?;
        let (_, obj) = self.doc.dereference(obj).ok()?;
        let dict = obj.as_dict().ok()?;
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.fonts.get(&key) {
            return Some(f.clone());
        }
        let font = std::rc::Rc::new(Font::load(self.doc, dict, self.limit));
        self.fonts.insert(key, font.clone());
        Some(font)
    }

    fn run(&mut self, content: &[u8], resources: &[&'a Dictionary], base: Matrix, depth: usize, visiting: &mut HashSet<ObjectId>) {
        let ops = match lopdf::content::Content::decode(content) {
            Ok(c) => c.operations,
            Err(_) => return,
        };
        let mut gs = GState {
            ctm: base,
            text: TextState { font: None, size: 0.0, char_spacing: 0.0, word_spacing: 0.0, scale: 1.0, leading: 0.0, rise: 0.0 },
        };
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for op in &ops {
            self.operations += 1;
            if self.operations > MAX_OPERATIONS {
                return;
            }
            let nums: Vec<f32> = op.operands.iter().filter_map(|o| o.as_float().ok()).collect();
            let num = |i: usize| nums.get(i).copied().unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" if nums.len() == 6 => {
                    let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    gs.ctm = mul(&m, &gs.ctm);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    gs.text.font = op.operands.first().and_then(|o| o.as_name().ok()).and_then(|n| self.font(resources, n));
                    gs.text.size = op.operands.get(1).and_then(|o| o.as_float().ok()).unwrap_or(0.0);
                }
                "Tc" => gs.text.char_spacing = num(0),
                "Tw" => gs.text.word_spacing = num(0),
                "Tz" => gs.text.scale = num(0) / 100.0,
                "TL" => gs.text.leading = num(0),
                "Ts" => gs.text.rise = num(0),
                "Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    gs.text.leading = -num(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &tlm);
                    tm = tlm;
                }
                "Tm" if nums.len() == 6 => {
                    tlm = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.text.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = op.operands.first() {
                        self.show(&gs, &mut tm, &[TjItem::Text(bytes)]);
                    }
                }
                "'" | "\"" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.text.leading], &tlm);
                    tm = tlm;
                    if op.operator == "\"" {
                        gs.text.word_spacing = num(0);
                        gs.text.char_spacing = num(1);
                    }
                    if let Some(Object::String(bytes, _)) = op.operands.last() {
                        self.show(&gs, &mut tm, &[TjItem::Text(bytes)]);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        let items: Vec<TjItem> = items
                            .iter()
                            .filter_map(|o| match o {
                                Object::String(bytes, _) => Some(TjItem::Text(bytes)),
                                o => o.as_float().ok().map(TjItem::Adjust),
                            })
                            .collect();
                        self.show(&gs, &mut tm, &items);
                    }
                }
                "Do" => {
                    let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else { continue };
                    let Some(obj) = self.lookup(resources, b"XObject", name) else { continue };
                    let id = obj.as_reference().ok();
                    let Ok((_, target)) = self.doc.dereference(obj) else { continue };
                    let Ok(stream) = target.as_stream() else { continue };
                    match stream.dict.get(b"Subtype").and_then(Object::as_name) {
                        Ok(b"Image") => {
                            let image = match id {
                                Some(id) => ImageRef::Object(id),
                                None => ImageRef::Inline(Box::new(stream.clone())),
                            };
                            self.scan.images.push(Placement { image, ctm: gs.ctm });
                        }
                        Ok(b"Form") => {
                            if depth >= MAX_FORM_DEPTH {
                                continue;
                            }
                            if let Some(id) = id {
                                if !visiting.insert(id) {
                                    continue; // a form that draws itself
                                }
                            }
                            let matrix = stream
                                .dict
                                .get(b"Matrix")
                                .and_then(Object::as_array)
                                .ok()
                                .map(|a| a.iter().filter_map(|o| o.as_float().ok()).collect::<Vec<_>>())
                                .filter(|v| v.len() == 6)
                                .map(|v| [v[0], v[1], v[2], v[3], v[4], v[5]])
                                .unwrap_or(IDENTITY);
                            let mut inner: Vec<&'a Dictionary> = Vec::new();
                            if let Ok(res) = stream.dict.get(b"Resources") {
                                if let Ok((_, res)) = self.doc.dereference(res) {
                                    if let Ok(res) = res.as_dict() {
                                        inner.push(res);
                                    }
                                }
                            }
                            inner.extend_from_slice(resources);
                            let body = stream.decompressed_content_with_limit(self.limit).unwrap_or_else(|_| {
                                if stream.filters().map(|f| f.is_empty()).unwrap_or(true) { stream.content.clone() } else { Vec::new() }
                            });
                            let ctm = mul(&matrix, &gs.ctm);
                            self.run(&body, &inner, ctm, depth + 1, visiting);
                            if let Some(id) = id {
                                visiting.remove(&id);
                            }
                        }
                        _ => {}
                    }
                }
                "BI" => {
                    if let Some(Object::Stream(stream)) = op.operands.first() {
                        self.scan.images.push(Placement { image: ImageRef::Inline(Box::new(stream.clone())), ctm: gs.ctm });
                    }
                }
                _ => {}
            }
        }
    }

    fn show(&mut self, gs: &GState<'a>, tm: &mut Matrix, items: &[TjItem]) {
        let Some(font) = gs.text.font.clone() else { return };
        let ts = &gs.text;
        let mut current: Option<(String, (f32, f32), f32)> = None;
        let trm = |tm: &Matrix| -> Matrix { mul(&mul(&[ts.size * ts.scale, 0.0, 0.0, ts.size, 0.0, ts.rise], tm), &gs.ctm) };
        for item in items {
            match item {
                TjItem::Adjust(n) => {
                    let tx = -n / 1000.0 * ts.size * ts.scale;
                    *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                    // A wide gap inside TJ separates words or table cells: a new run.
                    if -n / 1000.0 > 0.25 {
                        if let Some((text, start, size)) = current.take() {
                            let end = apply(&trm(tm), 0.0, 0.0);
                            self.push(text, start, end, size);
                        }
                    }
                }
                TjItem::Text(bytes) => {
                    if current.is_none() {
                        let m = trm(tm);
                        let size = (m[2] * m[2] + m[3] * m[3]).sqrt();
                        current = Some((String::new(), apply(&m, 0.0, 0.0), size));
                    }
                    for (code, len, text) in font.decode(bytes) {
                        self.scan.codes_shown += 1;
                        match text {
                            Some(t) => {
                                if let Some(cur) = current.as_mut() {
                                    cur.0.push_str(&t);
                                }
                            }
                            None => {
                                self.scan.codes_unmapped += 1;
                                if let Some(cur) = current.as_mut() {
                                    cur.0.push('\u{FFFD}');
                                }
                            }
                        }
                        let w = font.width(code) * ts.size;
                        let spacing = ts.char_spacing + if len == 1 && code == 32 { ts.word_spacing } else { 0.0 };
                        let tx = (w + spacing) * ts.scale;
                        *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                    }
                }
            }
        }
        if let Some((text, start, size)) = current {
            let end = apply(&trm(tm), 0.0, 0.0);
            self.push(text, start, end, size);
        }
    }

    fn push(&mut self, text: String, start: (f32, f32), end: (f32, f32), size: f32) {
        if !text.is_empty() && size.is_finite() && start.0.is_finite() && start.1.is_finite() && end.0.is_finite() && end.1.is_finite() {
            self.scan.fragments.push(Fragment { text, start, end, size });
        }
    }
}

enum TjItem<'b> {
    Text(&'b [u8]),
    Adjust(f32),
}

/// What the interpreter needs of a font.
struct Font<'a> {
    to_unicode: Option<CMap>,
    fallback: Option<Encoding<'a>>,
    /// Byte length of codes when no CMap says otherwise: 1 for simple fonts, 2 for Type0.
    composite: bool,
    /// A Type0 font with a multibyte legacy CMap (GBK, RKSJ, …): lead bytes ≥ 0x80 take two.
    variable_width: bool,
    first_char: u32,
    widths: Vec<f32>,
    cid_widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph units to text space (1/1000, or Type3 FontMatrix).
    unit: f32,
}

impl<'a> Font<'a> {
    fn load(doc: &'a Document, dict: &'a Dictionary, limit: usize) -> Font<'a> {
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        let composite = subtype == b"Type0";
        let deref = |o: &'a Object| doc.dereference(o).map(|(_, o)| o).ok();
        let to_unicode = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(deref)
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.decompressed_content_with_limit(limit).ok().or_else(|| Some(s.content.clone())))
            .map(|bytes| CMap::parse(&bytes))
            .filter(|c| !c.map.is_empty());
        let encoding_name = dict.get(b"Encoding").ok().and_then(deref).and_then(|o| o.as_name().ok()).unwrap_or(b"");
        let variable_width = composite && !encoding_name.starts_with(b"Identity") && !encoding_name.starts_with(b"Uni") && !encoding_name.is_empty();
        // Identity-H/V without ToUnicode maps codes to glyph ids only: no encoding can
        // give characters (lopdf would fall back to StandardEncoding and log a warning).
        let identity = composite && encoding_name.starts_with(b"Identity");
        let fallback = if to_unicode.is_none() && !identity { dict.get_font_encoding_with_limit(doc, limit).ok() } else { None };
        let mut font = Font {
            to_unicode,
            fallback,
            composite,
            variable_width,
            first_char: 0,
            widths: Vec::new(),
            cid_widths: HashMap::new(),
            default_width: if composite { 1000.0 } else { 500.0 },
            unit: 0.001,
        };
        let floats = |o: &'a Object| -> Vec<f32> {
            deref(o).and_then(|o| o.as_array().ok()).map(|a| a.iter().filter_map(|x| deref(x).and_then(|x| x.as_float().ok())).collect()).unwrap_or_default()
        };
        if composite {
            let descendant = dict
                .get(b"DescendantFonts")
                .ok()
                .and_then(deref)
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(deref)
                .and_then(|o| o.as_dict().ok());
            if let Some(d) = descendant {
                if let Some(dw) = d.get(b"DW").ok().and_then(deref).and_then(|o| o.as_float().ok()) {
                    font.default_width = dw;
                }
                if let Some(w) = d.get(b"W").ok().and_then(deref).and_then(|o| o.as_array().ok()) {
                    font.cid_widths = parse_w(doc, w);
                }
            }
        } else {
            font.first_char = dict.get(b"FirstChar").ok().and_then(deref).and_then(|o| o.as_i64().ok()).unwrap_or(0).max(0) as u32;
            if let Ok(w) = dict.get(b"Widths") {
                font.widths = floats(w);
            }
            if let Some(mw) = dict
                .get(b"FontDescriptor")
                .ok()
                .and_then(deref)
                .and_then(|o| o.as_dict().ok())
                .and_then(|fd| fd.get(b"MissingWidth").ok())
                .and_then(deref)
                .and_then(|o| o.as_float().ok())
            {
                if mw > 0.0 {
                    font.default_width = mw;
                }
            }
            if subtype == b"Type3" {
                if let Ok(m) = dict.get(b"FontMatrix") {
                    let m = floats(m);
                    if let Some(&a) = m.first() {
                        if a.is_finite() && a != 0.0 {
                            font.unit = a.abs();
                        }
                    }
                }
            }
        }
        font
    }

    fn width(&self, code: u32) -> f32 {
        let w = if self.composite {
            self.cid_widths.get(&code).copied().unwrap_or(self.default_width)
        } else {
            code.checked_sub(self.first_char).and_then(|i| self.widths.get(i as usize)).copied().unwrap_or(self.default_width)
        };
        let w = if w.is_finite() && w >= 0.0 { w } else { self.default_width };
        w * self.unit
    }

    /// Splits `bytes` into codes: (code, byte length, text or None when unmapped).
    fn decode(&self, bytes: &[u8]) -> Vec<(u32, usize, Option<String>)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let len = self.code_len(&bytes[i..]);
            let chunk = &bytes[i..(i + len).min(bytes.len())];
            let code = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32);
            let text = match &self.to_unicode {
                Some(cmap) => cmap.map.get(&(chunk.len() as u8, code)).cloned(),
                None => None,
            }
            .or_else(|| {
                self.fallback.as_ref().and_then(|enc| enc.bytes_to_string(chunk).ok()).filter(|s| !s.is_empty() && !s.contains('\u{FFFD}'))
            });
            out.push((code, chunk.len(), text));
            i += len.max(1);
        }
        out
    }

    fn code_len(&self, rest: &[u8]) -> usize {
        if let Some(cmap) = &self.to_unicode {
            if let Some(len) = cmap.code_len(rest) {
                return len;
            }
        }
        if !self.composite {
            1
        } else if self.variable_width {
            if rest[0] >= 0x80 { 2 } else { 1 }
        } else {
            2
        }
    }
}

fn parse_w(doc: &Document, w: &[Object]) -> HashMap<u32, f32> {
    let mut map = HashMap::new();
    let val = |o: &Object| doc.dereference(o).ok().and_then(|(_, o)| o.as_float().ok());
    let mut i = 0;
    while i < w.len() && map.len() < 200_000 {
        let Some(first) = val(&w[i]) else { break };
        match w.get(i + 1).and_then(|o| doc.dereference(o).ok()).map(|(_, o)| o) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate() {
                    if let Some(v) = val(o) {
                        map.insert(first as u32 + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Ok(last), Some(width)) = (o.as_float(), w.get(i + 2).and_then(val)) else { break };
                let (first, last) = (first as u32, last as u32);
                if last >= first && last - first < 70_000 {
                    for c in first..=last {
                        map.insert(c, width);
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
    map
}

/// A ToUnicode CMap: codespace ranges (for code lengths) and code → text.
#[derive(Debug, Default)]
pub struct CMap {
    /// (byte length, low, high) of each codespace range.
    codespace: Vec<(u8, u32, u32)>,
    /// (byte length, code) → text.
    pub map: HashMap<(u8, u32), String>,
}

impl CMap {
    pub fn parse(bytes: &[u8]) -> CMap {
        let tokens = tokenize(bytes);
        let mut cmap = CMap::default();
        let mut i = 0;
        let mut mode = "";
        while i < tokens.len() {
            match &tokens[i] {
                Tok::Word(w) if w == "begincodespacerange" || w == "beginbfchar" || w == "beginbfrange" => {
                    mode = match w.as_str() {
                        "begincodespacerange" => "cs",
                        "beginbfchar" => "char",
                        _ => "range",
                    };
                    i += 1;
                }
                Tok::Word(w) if w.starts_with("end") => {
                    mode = "";
                    i += 1;
                }
                Tok::Hex(lo) if mode == "cs" => {
                    if let Some(Tok::Hex(hi)) = tokens.get(i + 1) {
                        if !lo.is_empty() && lo.len() <= 4 {
                            cmap.codespace.push((lo.len() as u8, be(lo), be(hi)));
                        }
                    }
                    i += 2;
                }
                Tok::Hex(src) if mode == "char" => {
                    if let Some(Tok::Hex(dst)) = tokens.get(i + 1) {
                        if !src.is_empty() && src.len() <= 4 {
                            cmap.map.insert((src.len() as u8, be(src)), utf16(dst));
                        }
                    }
                    i += 2;
                }
                Tok::Hex(lo) if mode == "range" => {
                    let hi = match tokens.get(i + 1) {
                        Some(Tok::Hex(h)) => be(h),
                        _ => {
                            i += 1;
                            continue;
                        }
                    };
                    let len = lo.len() as u8;
                    let lo_v = be(lo);
                    if lo.is_empty() || lo.len() > 4 || hi < lo_v || hi - lo_v > 65_535 {
                        i += 3;
                        continue;
                    }
                    match tokens.get(i + 2) {
                        Some(Tok::Hex(dst)) => {
                            let base: Vec<u16> = dst.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
                            for (k, code) in (lo_v..=hi).enumerate() {
                                let mut units = base.clone();
                                if let Some(last) = units.last_mut() {
                                    *last = last.wrapping_add(k as u16);
                                }
                                cmap.map.insert((len, code), String::from_utf16_lossy(&units));
                            }
                            i += 3;
                        }
                        Some(Tok::ArrayStart) => {
                            let mut j = i + 3;
                            let mut code = lo_v;
                            while let Some(Tok::Hex(dst)) = tokens.get(j) {
                                if code <= hi {
                                    cmap.map.insert((len, code), utf16(dst));
                                }
                                code += 1;
                                j += 1;
                            }
                            i = j + 1;
                        }
                        _ => i += 2,
                    }
                }
                _ => i += 1,
            }
        }
        cmap
    }

    /// Length of the code at the start of `rest` per the codespace ranges.
    fn code_len(&self, rest: &[u8]) -> Option<usize> {
        if self.codespace.is_empty() {
            // No codespace: use the lengths the map itself has, shortest that matches.
            for len in 1..=4u8 {
                if rest.len() >= len as usize {
                    let code = be(&rest[..len as usize]);
                    if self.map.contains_key(&(len, code)) {
                        return Some(len as usize);
                    }
                }
            }
            return None;
        }
        for &(len, lo, hi) in &self.codespace {
            if rest.len() >= len as usize {
                let code = be(&rest[..len as usize]);
                if code >= lo && code <= hi {
                    return Some(len as usize);
                }
            }
        }
        None
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |acc, &b| (acc << 8) | b as u32)
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
    String::from_utf16_lossy(&units)
}

enum Tok {
    Hex(Vec<u8>),
    Word(String),
    ArrayStart,
    Other,
}

fn tokenize(bytes: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'<' if bytes.get(i + 1) != Some(&b'<') => {
                let mut j = i + 1;
                let mut digits = Vec::new();
                while j < bytes.len() && bytes[j] != b'>' {
                    if bytes[j].is_ascii_hexdigit() {
                        digits.push(bytes[j]);
                    }
                    j += 1;
                }
                if digits.len() % 2 == 1 {
                    digits.push(b'0');
                }
                let hex: Vec<u8> = digits
                    .chunks(2)
                    .filter_map(|c| std::str::from_utf8(c).ok().and_then(|s| u8::from_str_radix(s, 16).ok()))
                    .collect();
                out.push(Tok::Hex(hex));
                i = j + 1;
            }
            b'[' => {
                out.push(Tok::ArrayStart);
                i += 1;
            }
            b'%' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b if b.is_ascii_alphabetic() => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push(Tok::Word(String::from_utf8_lossy(&bytes[start..i]).into_owned()));
            }
            b']' => {
                out.push(Tok::Other);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

// ---------------------------------------------------------------- layout

/// A fragment in display coordinates (points, y downwards, page rotation applied).
#[derive(Debug, Clone)]
pub struct Placed {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    pub size: f32,
}

/// Maps default user space to display space for a page with `rotate` (0/90/180/270)
/// and visible box [x0 y0 x1 y1].
pub fn to_display(rotate: u32, bbox: [f32; 4], x: f32, y: f32) -> (f32, f32) {
    let [x0, y0, x1, y1] = bbox;
    match rotate % 360 {
        90 => (y - y0, x - x0),
        180 => (x1 - x, y - y0),
        270 => (y1 - y, x1 - x),
        _ => (x - x0, y1 - y),
    }
}

/// Rebuilds lines from positioned fragments: fragments whose baselines are within half
/// a font size form a line, ordered left to right; a gap wider than a quarter of the
/// font size becomes a space (a full em between Han characters, which carry no spaces).
pub fn layout(mut frags: Vec<Placed>) -> String {
    frags.retain(|f| !f.text.trim().is_empty() || f.text.contains(' '));
    frags.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<(f32, f32, Vec<Placed>)> = Vec::new();
    for f in frags {
        let tolerance = (f.size * 0.5).max(1.0);
        match lines.last_mut() {
            Some((y, size, members)) if (f.y - *y).abs() <= tolerance.min((*size * 0.5).max(1.0)) => {
                members.push(f);
            }
            _ => lines.push((f.y, f.size, vec![f])),
        }
    }
    let mut out = String::new();
    for (_, _, mut members) in lines {
        members.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut line = String::new();
        let mut last: Option<&Placed> = None;
        for f in &members {
            if let Some(prev) = last {
                // The same run drawn twice (fake bold, shadow): keep one.
                if prev.text == f.text && (prev.x0 - f.x0).abs() < f.size * 0.3 {
                    continue;
                }
                let gap = f.x0 - prev.x1;
                let size = prev.size.max(f.size).max(1.0);
                let han = line.chars().last().is_some_and(super::ocr::is_cjk) && f.text.chars().next().is_some_and(super::ocr::is_cjk);
                let threshold = if han { 1.0 } else { 0.2 };
                if gap > threshold * size && !line.ends_with(' ') && !f.text.starts_with(' ') {
                    line.push(' ');
                }
            }
            line.push_str(&f.text);
            last = Some(f);
        }
        let line = line.trim_end();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// Share of characters a Chinese or Latin document is made of (Han, CJK punctuation,
/// full-width forms, ASCII, Latin letters) among the non-space characters; garbage from
/// a font without ToUnicode is mostly other symbols or U+FFFD.
pub fn plausible_share(text: &str) -> (usize, f64) {
    let mut total = 0usize;
    let mut good = 0usize;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        total += 1;
        let u = c as u32;
        let ok = (0x21..0x7F).contains(&u)
            || super::ocr::is_cjk(c)
            || (0xC0..=0x24F).contains(&u) && c.is_alphabetic() && !matches!(c, 'ƒ' | 'Š' | 'Œ' | 'Ž' | 'š' | 'œ' | 'ž' | 'Ÿ')
            || matches!(u, 0x2010..=0x2027 | 0x2030..=0x203A | 0x00B7 | 0x00D7 | 0x00B0 | 0x2116 | 0x2160..=0x217F | 0x2460..=0x24FF | 0x25A0..=0x25FF | 0x2610..=0x2612 | 0x221A)
                && !matches!(c, '‚' | '„' | '†' | '‡' | '•' | '…' | '‰');
        if ok {
            good += 1;
        }
    }
    (total, if total == 0 { 1.0 } else { good as f64 / total as f64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_bfchar_bfrange_and_arrays() {
        let cmap = CMap::parse(
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0010> <57F9> endbfchar\n\
              2 beginbfrange <0020> <0022> <8BAD> <0030> <0031> [<4EBA> <6570>] endbfrange",
        );
        assert_eq!(cmap.map.get(&(2, 0x10)).map(String::as_str), Some("培"));
        assert_eq!(cmap.map.get(&(2, 0x21)).map(String::as_str), Some("\u{8BAE}"));
        assert_eq!(cmap.map.get(&(2, 0x31)).map(String::as_str), Some("数"));
        assert_eq!(cmap.code_len(&[0, 0x10, 0, 3]), Some(2));
    }

    #[test]
    fn runs_on_one_baseline_join_and_gaps_become_spaces() {
        let p = |t: &str, x0: f32, x1: f32, y: f32| Placed { text: t.into(), x0, x1, y, size: 10.0 };
        let text = layout(vec![
            p("人", 40.0, 50.0, 100.0),
            p("培训", 0.0, 20.0, 100.3),
            p("2150", 20.0, 40.0, 100.0),
            p("Second", 0.0, 30.0, 120.0),
            p("line", 34.0, 50.0, 120.0),
        ]);
        assert_eq!(text, "培训2150人\nSecond line");
    }

    #[test]
    fn display_rotation_maps_corners() {
        let bbox = [0.0, 0.0, 600.0, 800.0];
        assert_eq!(to_display(0, bbox, 0.0, 800.0), (0.0, 0.0));
        assert_eq!(to_display(90, bbox, 0.0, 0.0), (0.0, 0.0));
        assert_eq!(to_display(180, bbox, 600.0, 0.0), (0.0, 0.0));
        assert_eq!(to_display(270, bbox, 600.0, 800.0), (0.0, 0.0));
    }

    #[test]
    fn garbage_share_is_low() {
        assert!(plausible_share("€•‚ƒ„…†‡ˆ‰Š").1 < 0.3);
        assert!(plausible_share("2022年培训人数2150人，合格率91.2%。").1 > 0.99);
        assert!(plausible_share("\u{FFFD}\u{FFFD}\u{FFFD}").1 < 0.01);
    }
}
