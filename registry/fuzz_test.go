package registry

import "testing"

func FuzzCompareVersions(f *testing.F) {
	for _, s := range [][2]string{{"1.0.0.rc1", "1.0.0"}, {"1.0-beta", "1.0.pre.beta"}, {"1.10", "1.9"}, {"", "0"}, {"1.a.0.b", "1.a.b"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, ba := CompareVersions(a, b), CompareVersions(b, a)
		if ab != -ba {
			t.Errorf("CompareVersions(%q, %q) = %d but reversed = %d", a, b, ab, ba)
		}
		if ab < -1 || ab > 1 {
			t.Errorf("CompareVersions(%q, %q) = %d", a, b, ab)
		}
		if CompareVersions(a, a) != 0 {
			t.Errorf("CompareVersions(%q, itself) != 0", a)
		}
	})
}

func FuzzParseVersions(f *testing.F) {
	f.Add([]byte(`[{"number":"1.0","platform":"ruby","prerelease":false,"metadata":{"rubygems_mfa_required":"true"},"downloads_count":3}]`))
	f.Add([]byte(`[{"number":"1.0","metadata":{"k":null,"j":1}}]`))
	f.Add([]byte(`[{"number":"1.0"`))
	f.Fuzz(func(t *testing.T, body []byte) {
		vs, err := parseVersions(body)
		if err != nil {
			return
		}
		for _, v := range vs {
			if Sanitize(v.Number) != v.Number || Sanitize(v.Platform) != v.Platform {
				t.Errorf("unsanitized text in %+v", v)
			}
			for k, val := range v.Metadata {
				if Sanitize(k) != k || Sanitize(val) != val {
					t.Errorf("unsanitized metadata %q=%q", k, val)
				}
			}
		}
		_ = latest(vs)
	})
}
