// Package rules turns the facts on EVENTS and DLQ into alerts: what to
// trigger and what to resolve. It is pure: no I/O, no clock.
//
// The event contract the rules rely on (stages publish these):
//
//	status failed, stage verify or drill      trigger verification-failed
//	status failed, any other stage            trigger backup-failed
//	status dead_lettered, or a DLQ message    trigger dead-lettered
//	succeeded, no part, stage upload          the commit: resolve backup-failed and
//	                                          dead-lettered; with Bytes > 0, trigger or
//	                                          resolve backup-too-large against the limit
//	succeeded, no part, stage verify          resolve verification-failed (only: the
//	                                          verified backup may be older than a
//	                                          failed run; its commit resolved before)
//	succeeded, no part, stage drill           resolve verification-failed
//
// Events about one part (Part set), started and retrying events raise
// nothing. The tenant and kind of the event form the alert's scope; the
// event's Error is a reason fit for a page (messages.Event promises it holds
// no row data) and goes into the incident's details.
package rules
