-- Seal crops and page thumbnails of a dossier's latest successful run, for the report page.
CREATE TABLE seal_images (
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    idx        BIGINT NOT NULL,
    path       TEXT NOT NULL,
    page       BIGINT NOT NULL,
    bbox       TEXT NOT NULL,
    crop_png   BLOB NOT NULL,
    thumb_png  BLOB NOT NULL,
    PRIMARY KEY (dossier_id, idx)
);
