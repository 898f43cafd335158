// An OkHttp client for the --format okhttp tests: it pins the host to the `sha256/…` lines on standard
// input with OkHttp's own CertificatePinner, trusts only the given root certificate, resolves the host to
// 127.0.0.1 and fetches https://HOST:PORT/.
//
//     java -cp okhttp.jar:okio.jar:CLASSES OkHttpPinCheck HOST PORT ROOT.pem < pins
//
// Prints `fetched HTTP CODE` and exits 0 when the request succeeds; prints the exception OkHttp threw
// (its class and message, such as `javax.net.ssl.SSLPeerUnverifiedException: Certificate pinning
// failure!…`) on standard error and exits 1 when it fails.

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.CertificatePinner;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

public final class OkHttpPinCheck {
    public static void main(String[] arguments) throws Exception {
        if (arguments.length != 3) {
            System.err.println("usage: OkHttpPinCheck HOST PORT ROOT.pem < pins");
            System.exit(64);
        }
        String host = arguments[0];
        int port = Integer.parseInt(arguments[1]);

        CertificatePinner.Builder pins = new CertificatePinner.Builder();
        BufferedReader input =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = input.readLine()) != null; ) {
            if (!line.isEmpty()) pins.add(host, line);
        }

        X509TrustManager trust = trustingOnly(arguments[2]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {trust}, null);
        OkHttpClient client = new OkHttpClient.Builder()
            .sslSocketFactory(tls.getSocketFactory(), trust)
            .certificatePinner(pins.build())
            .dns(name -> {
                if (!name.equals(host)) throw new java.net.UnknownHostException(name);
                return Collections.singletonList(InetAddress.getByName("127.0.0.1"));
            })
            .proxy(java.net.Proxy.NO_PROXY)
            .callTimeout(20, TimeUnit.SECONDS)
            .build();

        Request request = new Request.Builder().url("https://" + host + ":" + port + "/").build();
        try (Response response = client.newCall(request).execute()) {
            System.out.println("fetched HTTP " + response.code());
        } catch (java.io.IOException failure) {
            System.err.println(failure);
            System.exit(1);
        }
    }

    // A trust manager whose only anchor is the certificate in `path`.
    private static X509TrustManager trustingOnly(String path) throws Exception {
        X509Certificate root;
        try (InputStream stream = new FileInputStream(path)) {
            root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(stream);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("root", root);
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager) return (X509TrustManager) manager;
        }
        throw new IllegalStateException("no X509TrustManager");
    }
}
