package lifecycle

import (
	"encoding/json"
	"encoding/xml"
)

// Configuration is a bucket's lifecycle configuration. The field names are
// S3's, so it renders as the AWS CLI's JSON and as the S3 API's XML.
type Configuration struct {
	XMLName xml.Name `json:"-" xml:"http://s3.amazonaws.com/doc/2006-03-01/ LifecycleConfiguration"`
	Rules   []Rule   `json:"Rules" xml:"Rule"`
}

// Rule is one lifecycle rule.
type Rule struct {
	ID                             string                          `json:"ID" xml:"ID"`
	Filter                         Filter                          `json:"Filter" xml:"Filter"`
	Status                         string                          `json:"Status" xml:"Status"`
	Transitions                    []Transition                    `json:"Transitions,omitempty" xml:"Transition,omitempty"`
	Expiration                     *Expiration                     `json:"Expiration,omitempty" xml:"Expiration,omitempty"`
	NoncurrentVersionExpiration    *NoncurrentVersionExpiration    `json:"NoncurrentVersionExpiration,omitempty" xml:"NoncurrentVersionExpiration,omitempty"`
	AbortIncompleteMultipartUpload *AbortIncompleteMultipartUpload `json:"AbortIncompleteMultipartUpload,omitempty" xml:"AbortIncompleteMultipartUpload,omitempty"`
}

// Filter selects the objects of a rule: by Prefix, or by And. An empty
// Filter selects the whole bucket.
type Filter struct {
	Prefix string `json:"Prefix,omitempty" xml:"Prefix,omitempty"`
	And    *And   `json:"And,omitempty" xml:"And,omitempty"`
}

// And selects objects under Prefix larger than ObjectSizeGreaterThan bytes.
type And struct {
	Prefix                string `json:"Prefix" xml:"Prefix"`
	ObjectSizeGreaterThan int64  `json:"ObjectSizeGreaterThan" xml:"ObjectSizeGreaterThan"`
}

// Transition moves objects to StorageClass Days after their creation.
type Transition struct {
	Days         int    `json:"Days" xml:"Days"`
	StorageClass string `json:"StorageClass" xml:"StorageClass"`
}

// Expiration deletes objects Days after their creation.
type Expiration struct {
	Days int `json:"Days" xml:"Days"`
}

// NoncurrentVersionExpiration deletes versions NoncurrentDays after a newer
// version (or a delete marker) replaced them.
type NoncurrentVersionExpiration struct {
	NoncurrentDays int `json:"NoncurrentDays" xml:"NoncurrentDays"`
}

// AbortIncompleteMultipartUpload aborts multipart uploads still open
// DaysAfterInitiation days after they began.
type AbortIncompleteMultipartUpload struct {
	DaysAfterInitiation int `json:"DaysAfterInitiation" xml:"DaysAfterInitiation"`
}

// JSON renders the configuration for `aws s3api
// put-bucket-lifecycle-configuration --lifecycle-configuration`.
func (c Configuration) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	return append(b, '\n'), err
}

// XML renders the configuration as the body of S3's PutBucketLifecycle.
func (c Configuration) XML() ([]byte, error) {
	b, err := xml.MarshalIndent(c, "", "  ")
	return append(append([]byte(xml.Header), b...), '\n'), err
}
