// An OkHttp client for the `pinhash pinset export --format okhttp-java` test: the exported statement is
// compiled into PinSetPins.java (which the test writes around it), so the CertificatePinner is built by
// the generated Java itself. It trusts only the given root certificate, resolves every name to
// 127.0.0.1 and fetches https://HOST:PORT/.
//
//     java -cp okhttp.jar:okio.jar:CLASSES OkHttpPinSetCheck HOST PORT ROOT.pem
//
// Prints `fetched HTTP CODE` and exits 0 when the request succeeds; prints the exception OkHttp threw on
// standard error and exits 1 when it fails.

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

public final class OkHttpPinSetCheck {
    public static void main(String[] arguments) throws Exception {
        if (arguments.length != 3) {
            System.err.println("usage: OkHttpPinSetCheck HOST PORT ROOT.pem");
            System.exit(64);
        }
        String host = arguments[0];
        int port = Integer.parseInt(arguments[1]);

        X509TrustManager trust = trustingOnly(arguments[2]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {trust}, null);
        OkHttpClient client = new OkHttpClient.Builder()
            .sslSocketFactory(tls.getSocketFactory(), trust)
            .certificatePinner(PinSetPins.certificatePinner())
            .dns(name -> Collections.singletonList(InetAddress.getByName("127.0.0.1")))
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
