//! Search over services and life events from everyday words.
//!
//! The catalogue is small (tens to hundreds of entries), so an in-memory
//! index scanned per query answers in microseconds and keeps the rules plain:
//! words match exactly, by prefix (for search-as-you-type) or within a small
//! edit distance (for typos); synonym groups widen a query word; matches in
//! a name count more than in keywords, then the summary and description.

use super::catalogue::Catalogue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    LifeEvent,
    Service,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub kind: HitKind,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub score: f32,
}

impl Hit {
    pub fn href(&self) -> String {
        match self.kind {
            HitKind::LifeEvent => format!("/life-events/{}", self.slug),
            HitKind::Service => format!("/services/{}", self.slug),
        }
    }
}

const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "can", "do", "for", "from", "get", "how", "i", "in",
    "is", "it", "me", "my", "need", "of", "on", "or", "our", "the", "to", "want", "what", "when",
    "where", "who", "with", "you", "your",
];

/// Lower-cases, splits on anything not a letter or digit, folds simple plurals.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| fold(&w.to_lowercase()))
        .collect()
}

fn fold(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
    {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// Optimal string alignment distance, giving up once it exceeds `max`.
fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let mut row_min = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= max).then_some(v)
}

/// How well a query word matches a document word, from 0 to 1.
fn word_match(query: &str, word: &str, is_last: bool) -> f32 {
    if query == word {
        return 1.0;
    }
    let qlen = query.chars().count();
    // Prefixes only for the word being typed, so "car" does not match "care"
    // once the searcher has moved on. Two letters are enough to start (an
    // agent on a call types "sk" for skip); the nearer the prefix is to the
    // whole word, the better it scores, so "sk" prefers "skip" to "skills".
    if is_last && qlen >= 2 && word.starts_with(query) {
        return 0.5 + 0.3 * qlen as f32 / word.chars().count() as f32;
    }
    let max = match qlen {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    match edit_distance(query, word, max) {
        Some(0) => 1.0,
        Some(1) => 0.7,
        Some(_) => 0.5,
        None => 0.0,
    }
}

struct Doc {
    kind: HitKind,
    slug: String,
    name: String,
    summary: String,
    /// Word to the weight of the most important field it appears in.
    words: HashMap<String, f32>,
}

const NAME: f32 = 3.0;
const KEYWORD: f32 = 2.5;
const SUMMARY: f32 = 1.2;
const DESCRIPTION: f32 = 0.6;

/// The search index, built once from a validated catalogue.
pub struct SearchIndex {
    docs: Vec<Doc>,
    /// Folded word to the other words of its synonym groups (each group
    /// member may be a phrase, kept as its words).
    synonyms: HashMap<String, Vec<Vec<String>>>,
}

impl SearchIndex {
    pub fn new(catalogue: &Catalogue) -> Self {
        let mut docs = Vec::new();
        let add = |words: &mut HashMap<String, f32>, text: &str, weight: f32| {
            for t in tokens(text) {
                if STOPWORDS.contains(&t.as_str()) {
                    continue;
                }
                let e = words.entry(t).or_insert(0.0);
                *e = e.max(weight);
            }
        };
        for le in catalogue.life_events() {
            let mut words = HashMap::new();
            add(&mut words, &le.name, NAME);
            for k in &le.keywords {
                add(&mut words, k, KEYWORD);
            }
            add(&mut words, &le.summary, SUMMARY);
            docs.push(Doc {
                kind: HitKind::LifeEvent,
                slug: le.slug.clone(),
                name: le.name.clone(),
                summary: le.summary.clone(),
                words,
            });
        }
        for s in catalogue.services() {
            let mut words = HashMap::new();
            add(&mut words, &s.name, NAME);
            for k in &s.keywords {
                add(&mut words, k, KEYWORD);
            }
            add(&mut words, &s.summary, SUMMARY);
            add(&mut words, &s.description, DESCRIPTION);
            docs.push(Doc {
                kind: HitKind::Service,
                slug: s.slug.clone(),
                name: s.name.clone(),
                summary: s.summary.clone(),
                words,
            });
        }
        let mut synonyms: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for group in &catalogue.synonyms.groups {
            let phrases: Vec<Vec<String>> = group.iter().map(|p| tokens(p)).collect();
            for (i, p) in phrases.iter().enumerate() {
                for w in p {
                    let others = synonyms.entry(w.clone()).or_default();
                    for (j, q) in phrases.iter().enumerate() {
                        if i != j && !others.contains(q) {
                            others.push(q.clone());
                        }
                    }
                }
            }
        }
        SearchIndex { docs, synonyms }
    }

    /// Best matches first; an empty or meaningless query gives no hits.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let words: Vec<String> = tokens(query)
            .into_iter()
            .filter(|w| !STOPWORDS.contains(&w.as_str()))
            .take(12)
            .collect();
        if words.is_empty() {
            return Vec::new();
        }
        let last = words.len() - 1;
        let mut hits: Vec<Hit> = Vec::new();
        for doc in &self.docs {
            let mut score = 0.0f32;
            let mut matched = 0usize;
            for (i, q) in words.iter().enumerate() {
                let is_last = i == last;
                let direct = doc
                    .words
                    .iter()
                    .map(|(w, weight)| word_match(q, w, is_last) * weight)
                    .fold(0.0f32, f32::max);
                // A synonym phrase counts only when all its words are present.
                let via_synonym = self
                    .synonyms
                    .get(q)
                    .into_iter()
                    .flatten()
                    .map(|phrase| {
                        phrase
                            .iter()
                            .map(|p| doc.words.get(p).copied().unwrap_or(0.0))
                            .fold(f32::MAX, f32::min)
                            * 0.85
                    })
                    .fold(0.0f32, f32::max);
                let best = direct.max(via_synonym);
                if best > 0.0 {
                    matched += 1;
                    score += best;
                }
            }
            if matched == 0 {
                continue;
            }
            // Prefer entries that match every word of the query.
            let coverage = matched as f32 / words.len() as f32;
            if coverage < 0.5 {
                continue;
            }
            let mut score = score * coverage * coverage;
            if doc.kind == HitKind::LifeEvent {
                score *= 1.3;
            }
            hits.push(Hit {
                kind: doc.kind,
                slug: doc.slug.clone(),
                name: doc.name.clone(),
                summary: doc.summary.clone(),
                score,
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.name.cmp(&b.name))
        });
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_tolerance_is_bounded_by_word_length() {
        assert_eq!(edit_distance("counsil", "council", 1), Some(1));
        assert_eq!(edit_distance("wedidng", "wedding", 1), Some(1));
        assert_eq!(edit_distance("bin", "bun", 0), None);
        assert!(word_match("counsil", "council", false) > 0.0);
        assert_eq!(word_match("car", "care", false), 0.0);
        assert!(word_match("car", "care", true) > 0.0);
        assert!(word_match("sk", "skip", true) > 0.0);
        assert_eq!(word_match("sk", "skip", false), 0.0);
        assert_eq!(word_match("s", "skip", true), 0.0);
    }

    #[test]
    fn plurals_fold_to_one_word() {
        assert_eq!(
            tokens("Bins, skips & Families"),
            vec!["bin", "skip", "family"]
        );
        assert_eq!(tokens("bus pass"), vec!["bus", "pass"]);
    }
}
