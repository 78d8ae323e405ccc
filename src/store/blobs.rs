//! The content-addressed file store: `DATA/blobs/ab/abcdef…` holds the archive whose
//! sha256 is `abcdef…`. An upload is streamed into `DATA/tmp/` while it is hashed,
//! fsynced, then renamed into place, so a blob path either does not exist or holds the
//! complete bytes — a crash mid-upload leaves only a temp file, never a half blob.
//! Several processes may share the directory: rename is atomic and the same bytes always
//! go to the same name.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone)]
pub struct Blobs {
    root: PathBuf,
}

/// An upload being written: its temp file is removed on drop unless it was stored.
pub struct Incoming {
    file: Option<tokio::fs::File>,
    temp: PathBuf,
    hasher: Sha256,
    size: u64,
    done: bool,
}

/// A stored blob.
#[derive(Debug, Clone)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    /// `false` when the same bytes were already stored.
    pub created: bool,
}

impl Blobs {
    /// Opens the store under `data_dir`, creating its folders.
    pub fn open(data_dir: &Path) -> io::Result<Blobs> {
        std::fs::create_dir_all(data_dir.join("blobs"))?;
        std::fs::create_dir_all(data_dir.join("tmp"))?;
        Ok(Blobs { root: data_dir.to_path_buf() })
    }

    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("00");
        self.root.join("blobs").join(prefix).join(sha256)
    }

    pub async fn begin(&self) -> io::Result<Incoming> {
        let temp = self.root.join("tmp").join(format!("{}.part", uuid::Uuid::new_v4()));
        let file = tokio::fs::File::create(&temp).await?;
        Ok(Incoming { file: Some(file), temp, hasher: Sha256::new(), size: 0, done: false })
    }

    pub async fn read(&self, sha256: &str) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.path_of(sha256)).await
    }

    /// Removes a blob no dossier refers to (registration failed after it was stored).
    pub async fn remove(&self, sha256: &str) -> io::Result<()> {
        tokio::fs::remove_file(self.path_of(sha256)).await
    }
}

impl Incoming {
    pub async fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        match self.file.as_mut() {
            Some(file) => file.write_all(chunk).await,
            None => Err(io::Error::other("upload already finished")),
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Flushes to disk and moves the file to its content address.
    pub async fn finish(mut self, blobs: &Blobs) -> io::Result<Stored> {
        let mut file = self.file.take().ok_or_else(|| io::Error::other("upload already finished"))?;
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let target = blobs.path_of(&sha256);
        let dir = target.parent().map(Path::to_path_buf).unwrap_or_else(|| blobs.root.clone());
        tokio::fs::create_dir_all(&dir).await?;
        let created = if tokio::fs::try_exists(&target).await? {
            tokio::fs::remove_file(&self.temp).await?;
            false
        } else {
            tokio::fs::rename(&self.temp, &target).await?;
            // The rename itself must reach the disk too.
            if let Ok(handle) = tokio::fs::File::open(&dir).await {
                let _ = handle.sync_all().await;
            }
            true
        };
        self.done = true;
        Ok(Stored { sha256, size: self.size, created })
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.done {
            // Best effort: an aborted or oversized upload must not stay on disk.
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}
