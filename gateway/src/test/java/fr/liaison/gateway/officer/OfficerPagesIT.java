package fr.liaison.gateway.officer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import fr.liaison.gateway.LiaisonNodeApplication;
import fr.liaison.gateway.cli.DevNodeDefaults;
import fr.liaison.gateway.cli.SampleMessages;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.StoredMessage;
import fr.liaison.schemas.v1.DataCategory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The officer pages in a real browser (headless Chromium): one CD-25 node in this JVM on free
 * ports, some traffic through its local API (a consent, a referral to an unreachable FT-25 that
 * ends as a dead letter, a referral refused for want of consent, a referral response), then an
 * officer signs in, filters the log, opens an exchange, verifies the chain, reads the
 * indicators, downloads the CSV, asks who received a person's data, lists consents and
 * re-submits the dead letter. Screenshots of every page go to target/screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OfficerPagesIT {

    private static final Path CERTS_DEV = Path.of(System.getProperty("liaison.certs-dev", "../certs-dev")).toAbsolutePath().normalize();
    private static final Path SAMPLES = Path.of(System.getProperty("liaison.samples", "../schemas/samples")).toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String NODE = "CD-25";
    private static final String PERSON = "0451827K"; // the samples' fictitious person
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private final SampleMessages samples = new SampleMessages(SAMPLES, Clock.systemUTC());

    private ConfigurableApplicationContext context;
    private URI local;
    private String token;
    private String officerPassword;
    private WebDriver browser;
    private Path downloads;

    private String deadLetterId;
    private String refusedId;
    private String responseId;

    @BeforeAll
    void start() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "it-nodes"));
        Path workDir = Files.createTempDirectory(work, "officer-" + NODE + "-");
        Map<String, Object> properties = new LinkedHashMap<>(DevNodeDefaults.of(NODE, CERTS_DEV, workDir));
        int localPort = freePort();
        properties.put("liaison.local-api.port", localPort);
        properties.put("server.port", freePort());
        properties.put("spring.artemis.embedded.server-id", 25);
        properties.put("liaison.retry.peer-attempts", 2);
        properties.put("liaison.retry.initial-delay", "PT0.2S");
        properties.put("liaison.demo.seed-history", "true");
        context = new SpringApplicationBuilder(LiaisonNodeApplication.class).main(LiaisonNodeApplication.class).properties(properties).run();
        local = URI.create("http://127.0.0.1:" + localPort);
        token = Files.readString(CERTS_DEV.resolve(NODE).resolve("local-client.token"), StandardCharsets.UTF_8).strip();
        officerPassword = Files.readString(CERTS_DEV.resolve(NODE).resolve("officer.password"), StandardCharsets.UTF_8).strip();
        traffic();
        Files.createDirectories(SCREENSHOTS);
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            downloads = Files.createTempDirectory(work, "downloads-");
            browser = chromium(Files.createTempDirectory(work, "chromium-profile-"));
        }
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (context != null) {
            context.close();
        }
    }

    /** Audit traffic through the local API, as the council's software would make it. */
    private void traffic() throws Exception {
        String consentId = UUID.randomUUID().toString();
        assertThat(api("POST", "/api/v1/consents", samples.consent(consentId, NODE, List.of("FT-25"), List.of(DataCategory.IDENTITY,
                DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_LOGEMENT))).statusCode()).isEqualTo(201);
        // FT-25's node is not running: retried, then dead-lettered (FAILED).
        SampleMessages.Fresh referral = samples.message("referral.xml", NODE, "FT-25", consentId, null);
        HttpResponse<String> accepted = api("POST", "/api/v1/messages", referral.xml());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        deadLetterId = referral.messageId();
        // A consent that names only FT-17: a referral to FT-25 under it is refused, nothing leaves.
        String narrowConsent = UUID.randomUUID().toString();
        assertThat(api("POST", "/api/v1/consents", samples.consent(narrowConsent, NODE, List.of("FT-17"), List.of(DataCategory.IDENTITY,
                DataCategory.BARRIER_MOBILITE, DataCategory.BARRIER_LOGEMENT))).statusCode()).isEqualTo(201);
        SampleMessages.Fresh refused = samples.message("referral.xml", NODE, "FT-25", narrowConsent, null);
        HttpResponse<String> refusal = api("POST", "/api/v1/messages", refused.xml());
        assertThat(refusal.statusCode()).as(refusal.body()).isEqualTo(403);
        refusedId = refused.messageId();
        // An answer to a referral, as if received from FT-25 (a second node would be needed to really send one): its
        // decision and first appointment date become indicator facts when it is stored.
        SampleMessages.Fresh response = samples.message("referral-response.xml", "FT-25", NODE, consentId, deadLetterId);
        responseId = response.messageId();
        Instant now = Instant.now();
        context.getBean(IndicatorFacts.class).stored(new StoredMessage(responseId, Direction.INBOUND, "REFERRAL_RESPONSE", "FT-25", NODE,
                deadLetterId, "ACCOMPAGNEMENT_GLOBAL", Set.of(), consentId, null, MessageStatus.RECEIVED, null, now, now, response.xml(),
                List.of()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> api("GET", "/api/v1/messages/" + deadLetterId, null).body().contains("\"FAILED\""));
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void indicatorFactsKeepTheDecisionAndAppointmentButNothingPersonal() {
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        Map<String, Object> fact = jdbc.sql("SELECT * FROM indicator_fact WHERE message_id = ?").param(responseId).query().singleRow();
        assertThat(fact.get("DECISION")).isEqualTo("ACCEPTED");
        assertThat(String.valueOf(fact.get("FIRST_APPOINTMENT"))).isEqualTo("2025-03-27");
        assertThat(fact.get("SYNTHETIC")).isEqualTo(false);
        List<String> columns = jdbc.sql("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'INDICATOR_FACT'")
                .query(String.class).list();
        assertThat(columns).doesNotContain("PERSON_HASH", "PAYLOAD");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM indicator_fact WHERE message_id = ?").param(refusedId).query(Long.class).single())
                .as("a refused message is not counted").isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM indicator_fact WHERE synthetic").query(Long.class).single())
                .as("the demo history was seeded").isPositive();
    }

    @Test
    @Order(2)
    void aLocalClientsBearerTokenDoesNotOpenThePages() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(local.resolve("/officer/audit"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/login"));
        assertThat(page.body()).doesNotContain("Audit entries");

        HttpResponse<String> csv = HTTP.send(HttpRequest.newBuilder(local.resolve("/officer/indicators.csv"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(302);

        // Nor does the token work as a password on the login form (with a valid CSRF token).
        LoginForm form = loginForm();
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(local.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", form.cookie())
                .POST(HttpRequest.BodyPublishers.ofString(formBody(Map.of("username", NODE + "-software", "password", token,
                        "_csrf", form.csrf())))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location").orElseThrow()).endsWith("/login?error");

        // A login POST without the CSRF token is refused outright.
        HttpResponse<String> noCsrf = HTTP.send(HttpRequest.newBuilder(local.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(Map.of("username", "officer", "password", officerPassword)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(3)
    void aWrongPasswordIsRefused() throws Exception {
        requireChromium();
        browser.get(local.resolve("/officer/audit").toString());
        assertThat(browser.getCurrentUrl()).endsWith("/login");
        assertThat(browser.getTitle()).contains("Sign in").contains(NODE);
        signIn("officer", "not-the-password");
        assertThat(browser.getCurrentUrl()).endsWith("/login?error");
        assertThat(browser.findElement(By.id("login-error")).getText()).contains("Wrong user name or password");
        assertEveryFieldHasALabel();
        screenshot("01-login-refused");
    }

    @Test
    @Order(4)
    void anOfficerFiltersTheLogAndOpensAnExchange() throws Exception {
        requireChromium();
        signIn("officer", officerPassword);
        assertThat(browser.getCurrentUrl()).contains("/officer/audit");
        assertThat(browser.getTitle()).isEqualTo("Audit log — Liaison officer — " + NODE);
        assertThat(browser.findElement(By.id("entries")).getText()).contains("CONSENT_RECORDED", "ACCEPTED", "DEAD_LETTERED");
        assertEveryFieldHasALabel();
        screenshot("02-audit-log");
        assertSkipLinkComesFirst();

        new Select(browser.findElement(By.id("step"))).selectByValue("REFUSED");
        clickThroughToNextPage(By.id("apply-filter"));
        assertThat(browser.getCurrentUrl()).contains("step=REFUSED");
        List<WebElement> rows = browser.findElements(By.cssSelector("#entries tbody tr"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("REFUSED", "GW-CONSENT-004");
        screenshot("03-audit-filtered");

        browser.get(local.resolve("/officer/audit").toString());
        browser.findElement(By.id("messageId")).sendKeys(deadLetterId);
        browser.findElement(By.id("outcome")).sendKeys("Error");
        clickThroughToNextPage(By.id("apply-filter"));
        assertThat(browser.findElements(By.cssSelector("#entries tbody tr")))
                .allSatisfy(row -> assertThat(row.getText()).contains("GW-EXCHANGE"));

        browser.get(local.resolve("/officer/audit?messageId=" + deadLetterId).toString());
        clickThroughToNextPage(By.cssSelector("#entries a.exchange-link"));
        assertThat(browser.getCurrentUrl()).endsWith("/officer/exchanges/" + deadLetterId);
        String history = browser.findElement(By.id("exchange-history")).getText();
        assertThat(history).contains("ACCEPTED", "SENT", "RETRIED", "DEAD_LETTERED");
        assertThat(browser.findElement(By.id("exchange-messages")).getText()).contains("FAILED", "GW-EXCHANGE-008",
                "Delivery failed after the last retry.");
        assertThat(browser.getPageSource()).doesNotContain(PERSON);
        screenshot("04-exchange");

        clickThroughToNextPage(By.cssSelector("#exchange-history a"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Audit entry");
        screenshot("05-entry");

        // Each page read was itself audited.
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        assertThat(jdbc.sql("SELECT actor FROM audit_entry WHERE step = 'LOG_READ'").query(String.class).list())
                .anyMatch(actor -> actor.startsWith("officer: search") && actor.contains("step=REFUSED"))
                // Where each read came from, as asked of a misused login: the pages, from the browser's address.
                .anyMatch(actor -> actor.equals("officer: exchange messageId=" + deadLetterId + " (pages from 127.0.0.1)"));
    }

    @Test
    @Order(5)
    void anOfficerNarrowsTheLogByTimeAndPersonAndPagesThroughIt() throws Exception {
        requireChromium();
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        // More entries than one page holds (25): each read of the log is itself an entry.
        String session = sessionCookie();
        for (int i = 0; i < 40 && count(jdbc, "SELECT COUNT(*) FROM audit_entry") < 40; i++) {
            HttpResponse<String> read = HTTP.send(HttpRequest.newBuilder(local.resolve("/officer/audit")).header("Cookie", session).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).isEqualTo(200);
        }
        List<Entry> entries = jdbc.sql("SELECT seq, at FROM audit_entry ORDER BY seq")
                .query((rs, row) -> new Entry(rs.getLong("seq"), fr.liaison.gateway.store.SqlTimes.instant(rs, "at"))).list();
        assertThat(entries).hasSizeGreaterThanOrEqualTo(40);

        // Time range: from the 5th entry's second to a later second (not included) at least 15 entries on.
        String from = seconds(entries.get(4).at());
        String to = entries.subList(20, entries.size()).stream().map(e -> seconds(e.at())).filter(t -> utc(t).isAfter(utc(from)))
                .findFirst().orElseThrow();
        browser.get(local.resolve("/officer/audit").toString());
        setDateTime("from", from);
        setDateTime("to", to);
        clickThroughToNextPage(By.id("apply-filter"));
        assertThat(browser.getCurrentUrl()).contains("from=").contains("to=");
        assertThat(browser.findElement(By.id("from")).getAttribute("value")).isEqualTo(from);
        assertThat(browser.findElement(By.id("to")).getAttribute("value")).isEqualTo(to);
        List<Long> expected = entries.stream().filter(e -> !e.at().isBefore(utc(from)) && e.at().isBefore(utc(to)))
                .map(Entry::seq).sorted(java.util.Comparator.reverseOrder()).toList();
        assertThat(expected).isNotEmpty().hasSizeLessThan(entries.size());
        List<Long> shown = new java.util.ArrayList<>(shownSeqs());
        while (!browser.findElements(By.id("next-page")).isEmpty()) {
            clickThroughToNextPage(By.id("next-page"));
            shown.addAll(shownSeqs());
        }
        assertThat(shown).as("the rows of the time range, newest first, across its pages").isEqualTo(expected);
        screenshot("03b-audit-time-range");

        // Paging: up to a time now past, so that the reads this test makes do not move the pages.
        String until = seconds(Instant.now().plusSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(utc(until)));
        browser.get(local.resolve("/officer/audit?to=" + until).toString());
        long total = count(jdbc, "SELECT COUNT(*) FROM audit_entry WHERE at < ?", fr.liaison.gateway.store.SqlTimes.time(utc(until)));
        assertThat(total).isGreaterThan(25);
        long pages = (total + 24) / 25;
        assertThat(browser.findElement(By.id("result-count")).getText()).contains(total + " entries match", "page 1 of " + pages);
        List<Long> first = shownSeqs();
        assertThat(first).hasSize(25).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(browser.findElements(By.cssSelector("a[rel=prev]"))).isEmpty();
        clickThroughToNextPage(By.id("next-page"));
        assertThat(browser.getCurrentUrl()).contains("page=1").contains("to=");
        assertThat(browser.findElement(By.id("result-count")).getText()).contains("page 2 of " + pages);
        List<Long> second = shownSeqs();
        assertThat(second).isNotEmpty().hasSize((int) Math.min(25, total - 25));
        assertThat(second.get(0)).as("the next page goes on where the first ended").isLessThan(first.get(first.size() - 1));
        assertThat(second).doesNotContainAnyElementsOf(first);
        screenshot("03c-audit-page-2");
        clickThroughToNextPage(By.cssSelector("a[rel=prev]"));
        assertThat(shownSeqs()).isEqualTo(first);

        // Person: typed in clear (letter case aside), posted, hashed by the node; only that person's entries,
        // and neither the identifier nor its hash in any URL.
        browser.get(local.resolve("/officer/audit").toString());
        browser.findElement(By.id("person")).sendKeys(PERSON.toLowerCase(java.util.Locale.ROOT));
        clickThroughToNextPage(By.id("apply-filter"));
        String personHash = context.getBean(fr.liaison.routes.audit.Pseudonymiser.class).personHash(PERSON);
        assertThat(browser.getCurrentUrl()).doesNotContainIgnoringCase(PERSON).doesNotContain(personHash.substring(0, 12))
                .contains("personRef=");
        List<Long> ofPerson = jdbc.sql("SELECT seq FROM audit_entry WHERE person_hash = ? ORDER BY seq DESC").param(personHash)
                .query(Long.class).list();
        assertThat(ofPerson).isNotEmpty().hasSizeLessThan(25);
        assertThat(shownSeqs()).isEqualTo(ofPerson);
        assertThat(browser.getPageSource()).doesNotContain(PERSON);
        screenshot("03d-audit-person");

        // A mistyped identifier, or a step that does not exist, is said so: never an empty answer that reads as "nobody".
        browser.get(local.resolve("/officer/audit").toString());
        browser.findElement(By.id("person")).sendKeys("045182");
        clickThroughToNextPage(By.id("apply-filter"));
        assertThat(browser.findElement(By.cssSelector("p.alert-error")).getText()).contains("France Travail identifier is 7 digits");
        assertThat(shownSeqs()).isEmpty();
        browser.get(local.resolve("/officer/audit?step=NO_SUCH_STEP").toString());
        assertThat(browser.findElement(By.cssSelector("p.alert-error")).getText()).contains("step");
        assertThat(shownSeqs()).isEmpty();
        browser.get(local.resolve("/officer/audit?personRef=0123456789abcdef01234567").toString());
        assertThat(browser.findElement(By.cssSelector("p.alert-error")).getText()).contains("search for the person again");
        // A filter the page does not know (a person in the address) is refused, not ignored: that would show everyone.
        browser.get(local.resolve("/officer/audit?person=0451827K").toString());
        assertThat(browser.findElement(By.cssSelector("p.alert-error")).getText()).contains("through the form");
        assertThat(shownSeqs()).isEmpty();
        browser.get(local.resolve("/officer/exchanges/not-an-id").toString());
        assertThat(browser.getPageSource()).contains("GW-API-009").doesNotContain("not-an-id");
        browser.get(local.resolve("/officer/audit?from=%2B10000-01-01T00:00").toString());
        assertThat(browser.findElement(By.cssSelector("p.alert-error")).getText()).contains("years 1 to 9999");

        // Keyboard only: Tab goes through the filter's fields in reading order, Enter applies the filter.
        browser.get(local.resolve("/officer/audit").toString());
        ((JavascriptExecutor) browser).executeScript("arguments[0].focus();", browser.findElement(By.id("step")));
        List<String> order = new java.util.ArrayList<>(List.of(browser.switchTo().activeElement().getAttribute("id")));
        for (int i = 0; i < 6; i++) {
            browser.switchTo().activeElement().sendKeys(Keys.TAB);
            order.add(browser.switchTo().activeElement().getAttribute("id"));
        }
        assertThat(order).containsExactly("step", "outcome", "code", "participant", "messageId", "person", "apply-filter");
        WebElement leaving = browser.findElement(By.tagName("html"));
        browser.findElement(By.id("messageId")).sendKeys(deadLetterId, Keys.ENTER);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.stalenessOf(leaving));
        assertThat(browser.getCurrentUrl()).contains("messageId=" + deadLetterId);
        assertThat(browser.findElements(By.cssSelector("#entries tbody tr"))).isNotEmpty()
                .allSatisfy(row -> assertThat(row.findElement(By.cssSelector("a.exchange-link")).getAttribute("aria-label"))
                        .isEqualTo("Exchange " + deadLetterId));
    }

    @Test
    @Order(6)
    void anOfficerVerifiesTheChainAndExportsIt() throws Exception {
        requireChromium();
        browser.get(local.resolve("/officer/chain").toString());
        clickThroughToNextPage(By.id("verify-now"));
        WebElement ok = browser.findElement(By.id("verification-ok"));
        assertThat(ok.getText()).contains("Chain intact");
        assertThat(browser.findElements(By.id("verification-failed"))).isEmpty();
        screenshot("06-chain-verified");

        HttpResponse<String> export = HTTP.send(HttpRequest.newBuilder(local.resolve("/officer/audit/export"))
                .header("Cookie", sessionCookie()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/jsonl");
        List<String> lines = export.body().lines().toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{"));
        assertThat(lines.get(lines.size() - 2)).startsWith("{\"kind\":\"checkpoint\",");
        assertThat(lines.get(lines.size() - 1)).startsWith("{\"kind\":\"end\",");
        assertThat(export.body()).doesNotContain(PERSON);
    }

    @Test
    @Order(7)
    void anOfficerSeesTheIndicatorsAndDownloadsTheCsv() throws Exception {
        requireChromium();
        browser.get(local.resolve("/officer/indicators").toString());
        assertThat(browser.getTitle()).startsWith("Indicators");
        assertThat(browser.findElement(By.id("synthetic-notice")).getText()).contains("synthetic");
        List<WebElement> charts = browser.findElements(By.cssSelector("figure.chart-card svg.chart"));
        assertThat(charts).hasSizeGreaterThanOrEqualTo(6);
        assertThat(browser.findElements(By.cssSelector("#referrals svg.chart rect")).size()).isGreaterThan(6);
        assertThat(browser.findElement(By.cssSelector("#answer-delay figcaption")).getText()).contains("Median");
        assertEveryFieldHasALabel();
        screenshot("07-indicators");

        new Select(browser.findElement(By.id("purpose"))).selectByValue("ACCOMPAGNEMENT_GLOBAL");
        clickThroughToNextPage(By.id("indicators-submit"));
        assertThat(browser.getCurrentUrl()).contains("purpose=ACCOMPAGNEMENT_GLOBAL");
        String csvHref = browser.findElement(By.id("csv-link")).getAttribute("href");
        assertThat(csvHref).contains("/officer/indicators.csv").contains("purpose=ACCOMPAGNEMENT_GLOBAL");

        HttpResponse<String> csv = HTTP.send(HttpRequest.newBuilder(URI.create(csvHref)).header("Cookie", sessionCookie()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("indicator,month,purpose,key,value");
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        assertThat(lines).anyMatch(line -> line.startsWith("referrals_sent," + month + ",ACCOMPAGNEMENT_GLOBAL,,"));
        assertThat(lines).anyMatch(line -> line.startsWith("referral_outcome,") && line.contains(",UNANSWERED,"));
        assertThat(lines).anyMatch(line -> line.startsWith("delay_referral_to_answer_days,") && line.contains(",median,"));
        assertThat(lines).anyMatch(line -> line.startsWith("referrals_sent_to," + month + ",ACCOMPAGNEMENT_GLOBAL,FT-25,")
                && !line.endsWith(",0"));
        assertThat(lines.subList(1, lines.size())).as("every line is of one month").allSatisfy(line -> assertThat(line.split(",", -1)[1])
                .matches("\\d{4}-\\d{2}"));
        // The real answer came the day of its referral: this month's answer delay counts it in the 0-2 day band.
        assertThat(lines).anyMatch(line -> line.startsWith("delay_referral_to_answer_days," + month + ",ACCOMPAGNEMENT_GLOBAL,0-2,")
                && !line.endsWith(",0"));
        assertThat(browser.findElement(By.id("by-participant")).getText()).contains(month, "FT-25");
        assertThat(browser.findElement(By.cssSelector("#answer-delay table")).getAttribute("textContent")).contains(month, "Median");
        long sentThisMonth = lines.stream().filter(line -> line.startsWith("referrals_sent," + month + ","))
                .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(',') + 1))).sum();
        assertThat(sentThisMonth).as("the real referral to FT-25 counts").isPositive();
        assertThat(csv.body()).doesNotContain(PERSON);

        // The download link itself, in the browser: Chromium saves the same file.
        browser.findElement(By.id("csv-link")).click();
        Path file = downloads.resolve("indicators-" + NODE + ".csv");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file) && Files.size(file) > 0);
        assertThat(Files.readString(file)).startsWith("indicator,month,purpose,key,value");

        // Narrow screen: the same page, still usable.
        browser.manage().window().setSize(new Dimension(400, 900));
        browser.get(local.resolve("/officer/indicators").toString());
        Long scrollWidth = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth;");
        Long clientWidth = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.clientWidth;");
        assertThat(scrollWidth).as("no horizontal scrolling of the page at 400 px").isLessThanOrEqualTo(clientWidth);
        screenshot("08-indicators-narrow");
        browser.get(local.resolve("/officer/audit").toString());
        scrollWidth = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth;");
        clientWidth = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.clientWidth;");
        assertThat(scrollWidth).as("no horizontal scrolling of the audit page at 400 px").isLessThanOrEqualTo(clientWidth);
        assertThat(browser.findElement(By.id("apply-filter")).isDisplayed()).isTrue();
        screenshot("09-audit-narrow");
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    @Test
    @Order(8)
    void anOfficerProducesAPersonReportAndListsConsents() throws Exception {
        requireChromium();
        browser.get(local.resolve("/officer/person-report").toString());
        browser.findElement(By.id("franceTravailId")).sendKeys(PERSON);
        clickThroughToNextPage(By.id("person-report-submit"));
        WebElement report = browser.findElement(By.id("person-report"));
        assertThat(report.getText()).contains("Person hash", "Report of node " + NODE);
        assertThat(browser.getCurrentUrl()).doesNotContain(PERSON);
        assertThat(browser.getPageSource()).doesNotContain(">" + PERSON + "<");
        assertEveryFieldHasALabel();
        screenshot("10-person-report");

        browser.get(local.resolve("/officer/consents").toString());
        assertThat(browser.findElement(By.id("consents")).getText()).contains(NODE, "ACCOMPAGNEMENT_GLOBAL");
        assertThat(browser.getPageSource()).doesNotContain(PERSON);
        assertEveryFieldHasALabel();
        screenshot("11-consents");
        clickThroughToNextPage(By.xpath("//table[@id='consents']//tr[td[contains(., 'FT-25')]]//a"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Consent");
        assertThat(browser.getPageSource()).contains(deadLetterId);
        screenshot("12-consent");
    }

    @Test
    @Order(9)
    void anOfficerResubmitsADeadLetter() throws Exception {
        requireChromium();
        browser.get(local.resolve("/officer/dead-letters").toString());
        String table = browser.findElement(By.id("dead-letters")).getText();
        assertThat(table).contains(deadLetterId, "GW-EXCHANGE-008", "Delivery failed after the last retry.");
        // And why its last try failed: FT-25's node is not running.
        assertThat(table).contains("Last try: GW-EXCHANGE-007 The recipient node could not be reached");
        assertThat(browser.findElements(By.id("disk-full"))).as("no disk banner on a node with room on its disk").isEmpty();
        screenshot("13-dead-letters");
        clickThroughToNextPage(By.cssSelector("#dead-letters button[type=submit]"));
        assertThat(browser.findElement(By.id("notice")).getText()).contains("was re-submitted");
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        assertThat(jdbc.sql("SELECT actor FROM audit_entry WHERE step = 'RESUBMITTED' AND message_id = ?").param(deadLetterId)
                .query(String.class).list()).containsExactly("officer");
        // Back on the queue: tried again, and dead-lettered again since FT-25 is still down.
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql(
                "SELECT COUNT(*) FROM audit_entry WHERE step = 'DEAD_LETTERED' AND message_id = ?").param(deadLetterId)
                .query(Long.class).single() == 2);
        browser.get(local.resolve("/officer/chain").toString());
        clickThroughToNextPage(By.id("verify-now"));
        assertThat(browser.findElement(By.id("verification-ok")).getText()).contains("Chain intact");
        screenshot("14-chain-after-resubmit");

        // Signing out ends the session.
        browser.findElement(By.cssSelector("form.logout button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlContains("/login?logout"));
        assertThat(browser.getCurrentUrl()).endsWith("/login?logout");
        browser.get(local.resolve("/officer/audit").toString());
        assertThat(browser.getCurrentUrl()).endsWith("/login");
    }

    /** Last: it leaves the officer's logins locked. */
    @Test
    @Order(10)
    void afterFiveWrongPasswordsTheLoginFormSaysSignInIsClosedForAWhile() throws Exception {
        for (int i = 0; i < 5; i++) {
            signIn("officer", "not-the-password-" + i);
            assertThat(browser.getCurrentUrl()).endsWith("/login?error");
        }
        signIn("officer", officerPassword);
        assertThat(browser.getCurrentUrl()).endsWith("/login?locked");
        assertThat(browser.findElement(By.id("login-locked")).getText()).contains("Too many failed sign-ins", "15 minutes");
        screenshot("15-login-locked");
    }

    // ---------------------------------------------------------------------------------------------

    /** Signs in from a freshly loaded login page, then waits for the answer page (no stale form, no race). */
    private void signIn(String user, String password) {
        if (!browser.getCurrentUrl().endsWith("/login")) {
            browser.get(local.resolve("/login").toString());
        }
        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).clear();
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.or(
                ExpectedConditions.urlContains("/officer"), ExpectedConditions.urlContains("/login?error"),
                ExpectedConditions.urlContains("/login?locked")));
    }

    /**
     * Clicks a link or submit button and waits until the browser has replaced the page, so what is
     * read next belongs to the answer page and not to the one being left.
     */
    private void clickThroughToNextPage(By target) {
        WebElement leaving = browser.findElement(By.tagName("html"));
        browser.findElement(target).click();
        // During navigation Chromium may answer for the old node with an inspector error rather than
        // a stale-element one: either says the page has been replaced.
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(driver -> {
            try {
                leaving.isEnabled();
                return false;
            } catch (WebDriverException replaced) {
                return true;
            }
        });
    }

    private record Entry(long seq, Instant at) {
    }

    /** The seqs of the audit page's rows, top to bottom. */
    private List<Long> shownSeqs() {
        return browser.findElements(By.cssSelector("#entries tbody tr td:first-child a")).stream().map(a -> Long.parseLong(a.getText()))
                .toList();
    }

    /** The value of a datetime-local field at one-second precision, in UTC, as the browser keeps it (no ":00" seconds). */
    private static String seconds(Instant at) {
        java.time.LocalDateTime time = java.time.LocalDateTime.ofInstant(at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                ZoneOffset.UTC);
        return time.format(java.time.format.DateTimeFormatter.ofPattern(time.getSecond() == 0 ? "uuuu-MM-dd'T'HH:mm"
                : "uuuu-MM-dd'T'HH:mm:ss"));
    }

    private static Instant utc(String dateTime) {
        return java.time.LocalDateTime.parse(dateTime).toInstant(ZoneOffset.UTC);
    }

    /** Fills a datetime-local field (its segments depend on the browser's locale, so the value is set, as a date picker would). */
    private void setDateTime(String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];"
                + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", field, value);
        assertThat(field.getAttribute("value")).isEqualTo(value);
    }

    private static long count(JdbcClient jdbc, String sql, Object... params) {
        return jdbc.sql(sql).params(params).query(Long.class).single();
    }

    /** Every visible input and select has a label that names it. */
    private void assertEveryFieldHasALabel() {
        for (WebElement field : browser.findElements(By.cssSelector("input:not([type=hidden]), select"))) {
            String id = field.getAttribute("id");
            assertThat(id).as("field %s has an id", field.getAttribute("name")).isNotBlank();
            assertThat(browser.findElements(By.cssSelector("label[for='" + id + "']"))).as("label for %s", id).hasSize(1);
        }
    }

    /** Keyboard: the first Tab reaches the skip link, which leads to the main content. */
    private void assertSkipLinkComesFirst() {
        browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        WebElement focused = browser.switchTo().activeElement();
        assertThat(focused.getText()).isEqualTo("Skip to main content");
        assertThat(focused.getAttribute("href")).endsWith("#main");
    }

    private void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    private String sessionCookie() {
        Cookie session = browser.manage().getCookieNamed("JSESSIONID");
        assertThat(session).as("signed in").isNotNull();
        return "JSESSIONID=" + session.getValue();
    }

    private void requireChromium() {
        assumeTrue(browser != null, "Chromium is not installed (/usr/bin/chromium and /usr/bin/chromedriver): "
                + "browser tests skipped; apt-get install chromium chromium-driver");
    }

    private WebDriver chromium(Path profile) {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,1000");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false));
        ChromeDriver driver = new ChromeDriver(options);
        driver.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
        return driver;
    }

    private record LoginForm(String cookie, String csrf) {
    }

    /** The login page's session cookie and CSRF token, as a browser would get them. */
    private LoginForm loginForm() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(local.resolve("/login")).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        var matcher = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(matcher.find()).as("CSRF token in the login form").isTrue();
        return new LoginForm(cookie, matcher.group(1));
    }

    private static String formBody(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return body.toString();
    }

    private HttpResponse<String> api(String method, String path, byte[] xml) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(local.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (xml != null) {
            request.header("Content-Type", "application/xml").method(method, HttpRequest.BodyPublishers.ofByteArray(xml));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
