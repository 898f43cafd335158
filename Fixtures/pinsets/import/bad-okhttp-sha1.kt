val pinner = CertificatePinner.Builder()
    .add("example.com", "sha256/Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=")
    .add("example.com", "sha1/BOGUSBOGUSBOGUSBOGUSBOGUSBO=")
    .build()
