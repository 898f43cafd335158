// OkHttp's CertificatePinner documentation (square/okhttp, okhttp/src/main/kotlin/okhttp3/
// CertificatePinner.kt, "Setting up Certificate Pinning" and "Wildcard pattern rules"), with the pins
// replaced by pins of Fixtures/manifest.tsv.
package example

import okhttp3.CertificatePinner
import okhttp3.OkHttpClient

fun client(): OkHttpClient {
    val certificatePinner = CertificatePinner.Builder()
        .add("publicobject.com", "sha256/Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=")
        .add("publicobject.com", "sha256/E8JM9hfjhwFyik4l0u7e1iRQI8yFVjBaySJDsxcH3oc=")
        .add(
            "**.example.com", // the name and every subdomain
            "sha256/0wyjtTMxmqk1v5u9PofS9xLCiJnD5LiWYjXy5eBxzvY=",
            "sha256/SdcRgk4P0N4mEMVGP7frGXX/BCcFIALMyj/0NR6YLFs=",
        )
        /* .add("commented.example.com", "sha256/8Oc1LPwEhRjQkCDKId5+Zzy1/bizt7MNDm1D8+wabiM=") */
        .add("*.example.org", "sha256/8Oc1LPwEhRjQkCDKId5+Zzy1/bizt7MNDm1D8+wabiM=")
        .build()
    return OkHttpClient.Builder().certificatePinner(certificatePinner).build()
}
