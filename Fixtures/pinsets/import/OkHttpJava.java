// OkHttp's CertificatePinner example in Java (square/okhttp README "Certificate Pinning" recipe), with the
// host as a literal and the pins replaced by pins of Fixtures/manifest.tsv.
import okhttp3.CertificatePinner;

class OkHttpJava {
    static CertificatePinner pinner() {
        return new CertificatePinner.Builder()
            .add("api.example.com", "sha256/Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=", "sha256/TUfDa4iqlZ6QO2Y2nPafBDkoG87X0F6SI5V9CU5dkxc=")
            .build();
    }
}
