package bucketinit

// Outcome is what happened to one setting.
type Outcome string

// Outcomes of a setting.
const (
	Applied     Outcome = "applied"     // the server had it otherwise; it is set now
	AlreadySet  Outcome = "already_set" // the server had it as asked
	Unsupported Outcome = "unsupported" // the server does not implement the call
	Failed      Outcome = "failed"      // the server refused it or the call failed
	Skipped     Outcome = "skipped"     // not asked for
)

// Setting names, in the order Run handles them.
const (
	SettingBucket       = "bucket"
	SettingVersioning   = "versioning"
	SettingObjectLock   = "object_lock"
	SettingLifecycle    = "lifecycle"
	SettingEncryption   = "encryption"
	SettingPublicAccess = "public_access_block"
)

// Result is one setting's outcome.
type Result struct {
	Setting  string  `json:"setting"`
	Outcome  Outcome `json:"outcome"`
	Required bool    `json:"required"`
	// Detail says what was found or set, or why it failed.
	Detail string `json:"detail,omitempty"`
}

// Report is every setting's outcome, in order.
type Report struct {
	Bucket  string   `json:"bucket"`
	Results []Result `json:"results"`
}

// OK reports whether every required setting is applied or already set.
func (r Report) OK() bool {
	for _, res := range r.Results {
		if res.Required && res.Outcome != Applied && res.Outcome != AlreadySet {
			return false
		}
	}
	return true
}

// Missing is the required settings that are not in place.
func (r Report) Missing() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Required && res.Outcome != Applied && res.Outcome != AlreadySet {
			out = append(out, res)
		}
	}
	return out
}
