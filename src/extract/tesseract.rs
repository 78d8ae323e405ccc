//! A small safe handle on Debian's libtesseract (its C API, declared in [`sys`]).
//!
//! The `tesseract` crate hides the C handle, and with it the progress monitor: its
//! `recognize` cannot be given a deadline, so one hostile page could hold a worker for
//! as long as Tesseract cares to take. Here every recognition runs under a monitor with
//! a deadline; when it passes, Tesseract abandons the remaining words and the call
//! reports [`EngineError::DeadlineExceeded`].

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr::NonNull;
use std::time::{Duration, Instant};

use image::GrayImage;

/// The part of Tesseract's C API (`tesseract/capi.h`, Tesseract 5) this module calls,
/// declared by hand. The `tesseract-sys` crate generated the whole API with bindgen on
/// every clean build (bindgen, libclang's bindings and leptonica-sys compiled, both
/// libraries' headers parsed): CI compiled its tests in 12–13 minutes with it, in 10
/// without (BENCHMARKS.md, "CI run time"). These fifteen declarations are checked against
/// the installed headers by `the_declared_api_is_the_headers`.
#[allow(non_camel_case_types)]
mod sys {
    use std::os::raw::{c_char, c_int, c_uchar};

    /// `TessBaseAPI`, opaque.
    #[repr(C)]
    pub struct TessBaseAPI {
        _opaque: [u8; 0],
    }

    /// `ETEXT_DESC` (the progress monitor), opaque.
    #[repr(C)]
    pub struct ETEXT_DESC {
        _opaque: [u8; 0],
    }

    /// `TessPageSegMode`, a C enum: an `int`.
    pub type TessPageSegMode = c_int;
    pub const PSM_AUTO: TessPageSegMode = 3;
    pub const PSM_SINGLE_LINE: TessPageSegMode = 7;
    pub const PSM_COUNT: TessPageSegMode = 14;

    #[link(name = "tesseract")]
    extern "C" {
        pub fn TessBaseAPICreate() -> *mut TessBaseAPI;
        pub fn TessBaseAPIDelete(handle: *mut TessBaseAPI);
        pub fn TessBaseAPIInit3(handle: *mut TessBaseAPI, datapath: *const c_char, language: *const c_char) -> c_int;
        pub fn TessBaseAPISetVariable(handle: *mut TessBaseAPI, name: *const c_char, value: *const c_char) -> c_int;
        pub fn TessBaseAPISetPageSegMode(handle: *mut TessBaseAPI, mode: TessPageSegMode);
        pub fn TessBaseAPISetImage(handle: *mut TessBaseAPI, imagedata: *const c_uchar, width: c_int, height: c_int, bytes_per_pixel: c_int, bytes_per_line: c_int);
        pub fn TessBaseAPISetSourceResolution(handle: *mut TessBaseAPI, ppi: c_int);
        pub fn TessBaseAPIRecognize(handle: *mut TessBaseAPI, monitor: *mut ETEXT_DESC) -> c_int;
        pub fn TessBaseAPIGetUTF8Text(handle: *mut TessBaseAPI) -> *mut c_char;
        pub fn TessBaseAPIGetTsvText(handle: *mut TessBaseAPI, page_number: c_int) -> *mut c_char;
        pub fn TessBaseAPIMeanTextConf(handle: *mut TessBaseAPI) -> c_int;
        pub fn TessDeleteText(text: *const c_char);
        pub fn TessMonitorCreate() -> *mut ETEXT_DESC;
        pub fn TessMonitorDelete(monitor: *mut ETEXT_DESC);
        pub fn TessMonitorSetDeadlineMSecs(monitor: *mut ETEXT_DESC, deadline: c_int);
    }

    // Leptonica, the image library under Tesseract (`leptonica/allheaders.h`).
    #[link(name = "lept")]
    extern "C" {
        pub fn leptSetStderrHandler(handler: Option<unsafe extern "C" fn(message: *const c_char)>);
    }
}

/// Leptonica prints its messages ("Error in boxClipToRectangle: box outside rectangle",
/// from Tesseract laying out a blurred scan) straight to stderr: bare lines amid the
/// log's, tied to no dossier, about nothing the reader can act on. They go to the
/// log instead, at debug level under the target `leptonica`, within the span (dossier,
/// file) of the page being read.
unsafe extern "C" fn leptonica_message(message: *const c_char) {
    if message.is_null() {
        return;
    }
    // SAFETY: Leptonica passes a NUL-terminated string that lives for the call.
    let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
    tracing::debug!(target: "leptonica", "{}", text.trim_end());
}

fn route_leptonica_messages() {
    static ROUTED: std::sync::Once = std::sync::Once::new();
    // SAFETY: the handler is a plain function that neither unwinds nor keeps the pointer.
    ROUTED.call_once(|| unsafe { sys::leptSetStderrHandler(Some(leptonica_message)) });
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("无法加载 Tesseract 语言包 {0}")]
    Init(String),
    #[error("Tesseract 参数 {0} 设置失败")]
    Variable(String),
    #[error("Tesseract 识别失败")]
    Recognise,
    #[error("Tesseract 识别超时（限时 {0} 秒）")]
    DeadlineExceeded(u64),
    #[error("Tesseract 未给出结果")]
    NoOutput,
}

/// How Tesseract segments the image (the values of Tesseract's `PageSegMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegMode(sys::TessPageSegMode);

impl SegMode {
    pub const AUTO: SegMode = SegMode(sys::PSM_AUTO);
    pub const SINGLE_LINE: SegMode = SegMode(sys::PSM_SINGLE_LINE);

    /// A configured PSM number; out-of-range values fall back to automatic.
    pub fn from_number(psm: u32) -> SegMode {
        match sys::TessPageSegMode::try_from(psm) {
            Ok(mode) if mode < sys::PSM_COUNT => SegMode(mode),
            _ => SegMode::AUTO,
        }
    }
}

/// One initialised Tesseract for one language. Send (the C++ object has no thread
/// affinity) but not Sync: each worker thread keeps its own.
pub struct Engine {
    api: NonNull<sys::TessBaseAPI>,
}

// SAFETY: TessBaseAPI holds no thread-local state; it is only ever used through
// `&mut self`, so it is never touched from two threads at once.
unsafe impl Send for Engine {}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: `api` came from TessBaseAPICreate and is deleted exactly once.
        unsafe { sys::TessBaseAPIDelete(self.api.as_ptr()) }
    }
}

impl Engine {
    /// Loads `language` (e.g. "chi_sim") from the system's tessdata.
    pub fn new(language: &str) -> Result<Engine, EngineError> {
        route_leptonica_messages();
        let init = || EngineError::Init(language.to_string());
        let lang = CString::new(language).map_err(|_| init())?;
        // SAFETY: a fresh handle; null only if allocation failed.
        let api = NonNull::new(unsafe { sys::TessBaseAPICreate() }).ok_or_else(init)?;
        let mut engine = Engine { api };
        // SAFETY: valid handle, NUL-terminated language, null datapath = default tessdata.
        let status = unsafe { sys::TessBaseAPIInit3(engine.api.as_ptr(), std::ptr::null(), lang.as_ptr()) };
        if status != 0 {
            return Err(init());
        }
        // Tesseract writes diagnostics ("Empty page!!", "Detected N diacritics") to
        // stderr; they belong to no one reading our logs.
        engine.set_variable("debug_file", "/dev/null")?;
        Ok(engine)
    }

    pub fn set_variable(&mut self, name: &str, value: &str) -> Result<(), EngineError> {
        let bad = || EngineError::Variable(name.to_string());
        let (n, v) = (CString::new(name).map_err(|_| bad())?, CString::new(value).map_err(|_| bad())?);
        // SAFETY: valid handle and NUL-terminated strings that outlive the call.
        let ok = unsafe { sys::TessBaseAPISetVariable(self.api.as_ptr(), n.as_ptr(), v.as_ptr()) };
        if ok == 1 {
            Ok(())
        } else {
            Err(bad())
        }
    }

    /// Recognises a grey image, giving up after `deadline`.
    pub fn recognise(&mut self, image: &GrayImage, dpi: i32, mode: SegMode, deadline: Duration) -> Result<(), EngineError> {
        let (w, h) = image.dimensions();
        let (Ok(width), Ok(height)) = (i32::try_from(w), i32::try_from(h)) else { return Err(EngineError::Recognise) };
        let api = self.api.as_ptr();
        let millis = i32::try_from(deadline.as_millis()).unwrap_or(i32::MAX).max(1);
        let started = Instant::now();
        // SAFETY: the image buffer holds width × height bytes (one byte per pixel, rows
        // of `width` bytes) and Tesseract copies it in SetImage; the monitor lives until
        // after Recognize returns and is deleted once.
        let status = unsafe {
            sys::TessBaseAPISetImage(api, image.as_raw().as_ptr(), width, height, 1, width);
            sys::TessBaseAPISetSourceResolution(api, dpi);
            sys::TessBaseAPISetPageSegMode(api, mode.0);
            let monitor = sys::TessMonitorCreate();
            if monitor.is_null() {
                return Err(EngineError::Recognise);
            }
            sys::TessMonitorSetDeadlineMSecs(monitor, millis);
            let status = sys::TessBaseAPIRecognize(api, monitor);
            sys::TessMonitorDelete(monitor);
            status
        };
        if status == 0 {
            Ok(())
        } else if started.elapsed() >= Duration::from_millis(millis as u64) {
            Err(EngineError::DeadlineExceeded(deadline.as_secs_f64().ceil() as u64))
        } else {
            Err(EngineError::Recognise)
        }
    }

    /// The last recognition as Tesseract's TSV (levels, boxes, confidences, text).
    pub fn tsv(&mut self) -> Result<String, EngineError> {
        // SAFETY: valid handle; the returned buffer is freed by `take_text`.
        take_text(unsafe { sys::TessBaseAPIGetTsvText(self.api.as_ptr(), 0) })
    }

    /// The last recognition as plain UTF-8 text.
    pub fn text(&mut self) -> Result<String, EngineError> {
        // SAFETY: as for `tsv`.
        take_text(unsafe { sys::TessBaseAPIGetUTF8Text(self.api.as_ptr()) })
    }

    /// Mean word confidence of the last recognition, 0–100.
    pub fn mean_confidence(&mut self) -> i32 {
        // SAFETY: valid handle.
        unsafe { sys::TessBaseAPIMeanTextConf(self.api.as_ptr()) }
    }
}

/// Copies a string Tesseract allocated and frees Tesseract's copy.
fn take_text(ptr: *mut c_char) -> Result<String, EngineError> {
    if ptr.is_null() {
        return Err(EngineError::NoOutput);
    }
    // SAFETY: non-null, NUL-terminated, allocated by Tesseract; freed once, after copying.
    let text = unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned();
    unsafe { sys::TessDeleteText(ptr) };
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C prototypes [`sys`] declares, as `tesseract/capi.h` writes them.
    const PROTOTYPES: [&str; 15] = [
        "TessBaseAPI *TessBaseAPICreate();",
        "void TessBaseAPIDelete(TessBaseAPI *handle);",
        "int TessBaseAPIInit3(TessBaseAPI *handle, const char *datapath, const char *language);",
        "BOOL TessBaseAPISetVariable(TessBaseAPI *handle, const char *name, const char *value);",
        "void TessBaseAPISetPageSegMode(TessBaseAPI *handle, TessPageSegMode mode);",
        "void TessBaseAPISetImage(TessBaseAPI *handle, const unsigned char *imagedata, int width, int height, int bytes_per_pixel, int bytes_per_line);",
        "void TessBaseAPISetSourceResolution(TessBaseAPI *handle, int ppi);",
        "int TessBaseAPIRecognize(TessBaseAPI *handle, ETEXT_DESC *monitor);",
        "char *TessBaseAPIGetUTF8Text(TessBaseAPI *handle);",
        "char *TessBaseAPIGetTsvText(TessBaseAPI *handle, int page_number);",
        "int TessBaseAPIMeanTextConf(TessBaseAPI *handle);",
        "void TessDeleteText(const char *text);",
        "ETEXT_DESC *TessMonitorCreate();",
        "void TessMonitorDelete(ETEXT_DESC *monitor);",
        "void TessMonitorSetDeadlineMSecs(ETEXT_DESC *monitor, int deadline);",
    ];

    /// The hand-written declarations stand for the installed library's: every prototype
    /// is the header's (BOOL is `int`, the page segmentation mode a C enum), and the mode
    /// numbers are those of `tesseract/publictypes.h`. Needs libtesseract-dev, which the
    /// build needs anyway.
    #[test]
    fn the_declared_api_is_the_headers() {
        let read = |name: &str| std::fs::read_to_string(format!("/usr/include/tesseract/{name}")).unwrap_or_else(|e| panic!("/usr/include/tesseract/{name} (install libtesseract-dev): {e}"));
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let capi = words(&read("capi.h"));
        for prototype in PROTOTYPES {
            assert!(capi.contains(&format!("TESS_API {prototype}")), "capi.h declares {prototype}");
        }
        assert!(capi.contains("# define BOOL int"), "BOOL is an int");
        let leptonica = std::fs::read_to_string("/usr/include/leptonica/allheaders.h").unwrap_or_else(|e| panic!("/usr/include/leptonica/allheaders.h (libleptonica-dev): {e}"));
        assert!(words(&leptonica).contains("LEPT_DLL extern void leptSetStderrHandler ( void ( *handler ) ( const char * ) );"), "allheaders.h declares leptSetStderrHandler");
        let types = words(&read("publictypes.h"));
        for (name, value) in [("PSM_AUTO", sys::PSM_AUTO), ("PSM_SINGLE_LINE", sys::PSM_SINGLE_LINE)] {
            assert!(types.contains(&format!("{name} = {value},")), "{name} = {value}");
        }
        assert!(types.contains("PSM_RAW_LINE = 13,") && types.contains("PSM_COUNT ///<"), "PSM_COUNT follows PSM_RAW_LINE = 13");
        assert_eq!(sys::PSM_COUNT, 14);
    }

    #[test]
    fn out_of_range_segmentation_modes_fall_back_to_automatic() {
        assert_eq!(SegMode::from_number(7), SegMode::SINGLE_LINE);
        assert_eq!(SegMode::from_number(99), SegMode::AUTO);
    }
}
