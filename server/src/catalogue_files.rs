//! Reads the catalogue from its folder of TOML files:
//! `place.toml`, `synonyms.toml`, `services/*.toml` (each a list of
//! `[[services]]`) and `life_events/*.toml` (one life event each).

use app::domain::catalogue::{
    Catalogue, CatalogueError, CatalogueErrors, LifeEvent, Place, Service, Sourced, Synonyms,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceFile {
    services: Vec<Service>,
}

fn problem(file: &Path, entry: &str, problem: String) -> CatalogueErrors {
    CatalogueErrors(vec![CatalogueError {
        file: file.display().to_string(),
        entry: entry.into(),
        problem,
    }])
}

fn read<T: DeserializeOwned>(path: &Path) -> Result<T, CatalogueErrors> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| problem(path, "file", format!("cannot read: {e}")))?;
    toml::from_str(&text)
        .map_err(|e| problem(path, "file", e.to_string().trim().replace('\n', " ")))
}

fn toml_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, CatalogueErrors> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| problem(dir, "folder", format!("cannot read: {e}")))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Loads and validates the catalogue, or says everything that is wrong.
pub fn load(dir: &Path) -> Result<Catalogue, CatalogueErrors> {
    let place_path = dir.join("place.toml");
    let place = Sourced {
        file: place_path.display().to_string(),
        item: read::<Place>(&place_path)?,
    };
    let synonyms_path = dir.join("synonyms.toml");
    let synonyms = if synonyms_path.exists() {
        read::<Synonyms>(&synonyms_path)?
    } else {
        Synonyms::default()
    };
    let mut errors = Vec::new();
    let mut services = Vec::new();
    for path in toml_files(&dir.join("services"))? {
        match read::<ServiceFile>(&path) {
            Ok(f) => services.extend(f.services.into_iter().map(|item| Sourced {
                file: path.display().to_string(),
                item,
            })),
            Err(e) => errors.extend(e.0),
        }
    }
    let mut life_events = Vec::new();
    for path in toml_files(&dir.join("life_events"))? {
        match read::<LifeEvent>(&path) {
            Ok(item) => life_events.push(Sourced {
                file: path.display().to_string(),
                item,
            }),
            Err(e) => errors.extend(e.0),
        }
    }
    if !errors.is_empty() {
        return Err(CatalogueErrors(errors));
    }
    Catalogue::new(place, services, life_events, synonyms)
}
