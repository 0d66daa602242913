// Package progress turns what a long operation reports into what an
// operator watching it wants to know: parts and bytes per stage, a rate and
// an ETA. A Meter follows one quantity (bytes read by a restore); a Tracker
// follows the backups of a run from their events, including the per-part
// events the stages publish (messages.Event with Part set). Both are pure:
// the caller feeds them and passes a clock; rendering is the caller's.
package progress
