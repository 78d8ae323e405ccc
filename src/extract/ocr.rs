//! OCR through Tesseract (chi_sim). (Being built: see issue 4.)
