package objstore

// InClass is s writing in class every object its caller gives a storage
// class: a destination's own class for the objects copied into it as they
// were stored (a base backup taken with --storage-class), where the
// source's class may not exist (MinIO knows STANDARD and
// REDUCED_REDUNDANCY). An object written without a class stays without
// one; an empty class changes nothing.
func InClass(s Store, class string) Store {
	if class == "" {
		return s
	}
	return amending{Store: s, amend: func(opts []Option) []Option {
		if NewOptions(opts...).StorageClass == "" {
			return opts
		}
		return append(opts[:len(opts):len(opts)], WithStorageClass(class))
	}}
}
