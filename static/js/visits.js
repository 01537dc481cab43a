/* visits.js: the visit form's small helpers: the place from the browser (evidence, never a gate), more measure
   rows, phrases tapped into the note, what was typed kept through a reload, and showing a 409 answer (the same
   form sent with other content). An inspection finding's form (data-outbox-form) gets the place too, and its
   responsible person follows the household.
   Plain ES2017, loaded with defer. */
(function () {
  "use strict";

  function fillPlace(form) {
    var status = form.querySelector("[data-place-status]");
    var lat = form.querySelector("[data-place=latitude]");
    if (!lat || lat.value || !navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      lat.value = c.latitude.toFixed(6);
      form.querySelector("[data-place=longitude]").value = c.longitude.toFixed(6);
      form.querySelector("[data-place=accuracy]").value = Math.round(c.accuracy);
      if (status) status.textContent = status.dataset.ok.replace("{m}", Math.round(c.accuracy));
    }, function () {
      if (status) status.textContent = status.dataset.off;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 120000 });
  }

  function addMeasureRow(button) {
    var rows = button.closest("[data-measures]").querySelectorAll("[data-measure-row]");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("input, select"), function (el) { el.value = ""; });
    last.insertAdjacentElement("afterend", copy);
    copy.querySelector("select").focus();
  }

  // A tapped phrase (a whole sentence, with its full stop) is added to the end of the note; tapping it again
  // changes nothing. Chinese typed without a final stop gets one ("。"); Latin text gets a space.
  function joiner(text) {
    if (!text || /[\u3000-\u303f\uff00-\uffef]$/.test(text)) return "";
    return /[\u3400-\u9fff]$/.test(text) ? "。" : " ";
  }

  function addPhrase(button) {
    var area = document.getElementById(button.closest("[data-phrases]").dataset.phrases);
    var phrase = button.dataset.phrase;
    var text = area.value.replace(/\s+$/, "");
    if (text.indexOf(phrase) === -1) {
      area.value = text + joiner(text) + phrase;
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    button.classList.add("is-used");
  }

  // What was typed survives a reload (after an error answer, or by mistake): kept in this tab's sessionStorage
  // until the form is sent, and put back into a fresh form of the same household. Never the photos, the client id
  // (a new form is a new visit) or the place (measured again).
  var DRAFT_FIELDS = ["kind", "note", "problems", "hardship", "visited_at", "next_follow_up_on",
                      "measure_type", "measure_amount", "measure_note"];

  function draftKey(form) { return "bangfu:visit-draft:" + form.getAttribute("action"); }

  function isChoice(el) { return el.type === "radio" || el.type === "checkbox"; }

  function fieldsNamed(form, name) { return form.querySelectorAll('[name="' + name + '"]'); }

  function saveDraft(form) {
    var draft = {};
    DRAFT_FIELDS.forEach(function (name) {
      draft[name] = [];
      Array.prototype.forEach.call(fieldsNamed(form, name), function (el) {
        if (!isChoice(el) || el.checked) draft[name].push(el.value);
      });
    });
    try { sessionStorage.setItem(draftKey(form), JSON.stringify(draft)); } catch (e) { /* storage full or off */ }
  }

  function forgetDraft(form) {
    try { sessionStorage.removeItem(draftKey(form)); } catch (e) { /* storage off */ }
  }

  function restoreDraft(form) {
    var text = null;
    try { text = sessionStorage.getItem(draftKey(form)); } catch (e) { return; }
    if (!text) return;
    var draft = JSON.parse(text);
    var add = form.querySelector("[data-add-measure]");
    while (add && form.querySelectorAll("[data-measure-row]").length < (draft.measure_type || []).length) {
      addMeasureRow(add);
    }
    DRAFT_FIELDS.forEach(function (name) {
      var values = draft[name] || [];
      Array.prototype.forEach.call(fieldsNamed(form, name), function (el, index) {
        if (isChoice(el)) el.checked = values.indexOf(el.value) !== -1;
        else if (index < values.length) el.value = values[index];
      });
    });
    var note = document.querySelector("[data-draft-restored]");
    if (note) note.hidden = false;
  }

  // The next follow-up is a day after today: the browser says so before the photos are sent (the server would
  // refuse the day and the photos would have to be chosen again). A form kept on the phone for days gets the
  // phone's today, not the day it was loaded.
  function keepAfterToday(form) {
    Array.prototype.forEach.call(form.querySelectorAll("input[data-after-today]"), function (input) {
      var day = new Date();
      day.setDate(day.getDate() + 1);
      var two = function (n) { return (n < 10 ? "0" : "") + n; };
      input.min = day.getFullYear() + "-" + two(day.getMonth() + 1) + "-" + two(day.getDate());
    });
  }

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-visit-form], form[data-outbox-form]"), function (form) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-add-measure], [data-phrases]"), function (el) {
        el.hidden = false;
      });
      // An answer with errors shows what was sent: keep that; a fresh form gets back what a reload lost.
      if (form.querySelector(".has-error")) saveDraft(form);
      else restoreDraft(form);
      fillPlace(form);
      keepAfterToday(form);
    });
  }

  // A finding's household chosen: its first responsible cadre becomes the default responsible person.
  document.addEventListener("change", function (evt) {
    var select = evt.target;
    if (!select.matches || !select.matches("select[data-sets-responsible]")) return;
    var option = select.options[select.selectedIndex], target = select.form && select.form.elements.responsible;
    if (option && target && option.dataset.responsible) target.value = option.dataset.responsible;
  });

  function visitForm(evt) { return evt.target.closest && evt.target.closest("form[data-visit-form]"); }
  document.addEventListener("input", function (evt) { var form = visitForm(evt); if (form) saveDraft(form); });
  document.addEventListener("change", function (evt) { var form = visitForm(evt); if (form) saveDraft(form); });
  document.addEventListener("submit", function (evt) { var form = visitForm(evt); if (form) forgetDraft(form); });

  document.addEventListener("click", function (evt) {
    var pick = evt.target.closest && evt.target.closest("[data-pick-household]");
    var select = pick && document.querySelector("form[data-outbox-form] select[name=household]");
    if (select) {  // "Record" next to a household of a spot check: the form below, with that household chosen
      select.value = pick.dataset.pickHousehold;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var button = evt.target.closest && evt.target.closest("[data-add-measure]");
    if (button) { evt.preventDefault(); addMeasureRow(button); }
    var phrase = evt.target.closest && evt.target.closest("[data-phrase]");
    if (phrase) { evt.preventDefault(); addPhrase(phrase); }
  });
  // htmx does not swap 4xx answers by default: a conflict page must be seen, not lost.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var elt = evt.detail.elt;
    if (evt.detail.xhr.status === 409 && elt && elt.closest && (elt.closest("form[data-visit-form], form[data-outbox-form]") || elt.tagName === "BODY")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
  // A refused form is kept as the draft the moment it is swapped in: htmx:load (init) comes only after the settle
  // delay, and a reload in between must not lose what was typed.
  document.addEventListener("htmx:afterSwap", function (evt) {
    Array.prototype.forEach.call(evt.target.querySelectorAll("form[data-visit-form]"), function (form) {
      if (form.querySelector(".has-error")) saveDraft(form);
    });
  });
  document.addEventListener("htmx:load", function (evt) { init(evt.detail.elt); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
