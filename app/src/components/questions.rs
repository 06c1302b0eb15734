//! Form parts that ask about a life event: a triage question as inline
//! radios, and the GOV.UK-style date input for the event's date. Citizens
//! answer them on a journey; agents ask them for a caller.

use crate::domain::catalogue::Question;
use leptos::prelude::*;

/// One triage question, with `current` (an option's value) chosen.
pub fn question_fieldset(q: &Question, current: Option<&str>) -> impl IntoView {
    let hint_id = format!("{}-hint", q.id);
    view! {
        <fieldset class="ds-fieldset" aria-describedby=q.hint.as_ref().map(|_| hint_id.clone())>
            <legend class="ds-fieldset__legend">{q.text.clone()}</legend>
            {q.hint.clone().map(|h| view! { <p class="ds-hint" id=hint_id.clone()>{h}</p> })}
            <div class="ds-radios ds-radios--inline">
                {q.options.iter().map(|o| {
                    let id = format!("{}-{}", q.id, o.value);
                    view! {
                        <div class="ds-radios__item">
                            <input class="ds-radios__input" type="radio" id=id.clone() name=q.id.clone() value=o.value.clone() checked=current == Some(o.value.as_str()) />
                            <label class="ds-radios__label" for=id>{o.label.clone()}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The optional date of the event (`day`, `month`, `year` fields, the
/// first with id `date-day` for error summaries to link to).
pub fn date_fieldset(
    label: String,
    hint: &'static str,
    day: String,
    month: String,
    year: String,
) -> impl IntoView {
    view! {
        <fieldset class="ds-fieldset" role="group" aria-describedby="date-hint">
            <legend class="ds-fieldset__legend">{label}" (optional)"</legend>
            <p class="ds-hint" id="date-hint">{hint}</p>
            <div class="ds-date-input">
                <div class="ds-date-input__item">
                    <label class="ds-label" for="date-day">"Day"</label>
                    <input class="ds-input ds-input--2" id="date-day" name="day" inputmode="numeric" autocomplete="off" value=day />
                </div>
                <div class="ds-date-input__item">
                    <label class="ds-label" for="date-month">"Month"</label>
                    <input class="ds-input ds-input--2" id="date-month" name="month" inputmode="numeric" autocomplete="off" value=month />
                </div>
                <div class="ds-date-input__item">
                    <label class="ds-label" for="date-year">"Year"</label>
                    <input class="ds-input ds-input--4" id="date-year" name="year" inputmode="numeric" autocomplete="off" value=year />
                </div>
            </div>
        </fieldset>
    }
}
