package io.kindling.scheduler.alerts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.config.EmailConfig;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * The {@code email} format: a plain-text mail over SMTP, with the run's link. With {@code starttls} (the default)
 * the connection must upgrade to TLS before authenticating, or the send fails: never a password in plaintext. The
 * password is read from its variable at each send.
 */
final class EmailChannel implements Channel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmailConfig email;
    private final Duration timeout;
    private final Function<String, String> env;

    EmailChannel(EmailConfig email, Duration timeout, Function<String, String> env) {
        this.email = requireNonNull(email, "email is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.env = requireNonNull(env, "env is null");
    }

    @Override
    public Outcome send(Notice notice, Instant at) {
        try {
            Session session = Session.getInstance(properties());
            MimeMessage message = message(session, notice, EventSummary.of(JSON.readTree(notice.payload())), at);
            if (email.getUsername().isEmpty()) {
                Transport.send(message);
            } else {
                Transport.send(message, email.getUsername(), password());
            }
            return Outcome.delivered(Optional.empty());
        } catch (MessagingException | IOException | RuntimeException e) {
            return Outcome.failed(e);
        }
    }

    private Properties properties() {
        String millis = Long.toString(timeout.toMillis());
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", email.getHost());
        p.setProperty("mail.smtp.port", Integer.toString(email.getPort()));
        p.setProperty("mail.smtp.connectiontimeout", millis);
        p.setProperty("mail.smtp.timeout", millis);
        p.setProperty("mail.smtp.writetimeout", millis);
        p.setProperty("mail.smtp.auth", Boolean.toString(!email.getUsername().isEmpty()));
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(email.isStarttls()));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(email.isStarttls()));
        return p;
    }

    private String password() {
        if (email.getPasswordEnv().isEmpty()) {
            return "";
        }
        String password = env.apply(email.getPasswordEnv());
        if (password == null || password.isEmpty()) {
            throw new IllegalStateException("the SMTP password variable " + email.getPasswordEnv() + " is not set");
        }
        return password;
    }

    private MimeMessage message(Session session, Notice notice, EventSummary e, Instant at) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(email.getFrom(), true));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", email.getTo()), true));
        message.setSubject("[Kindling] " + e.headline(), "UTF-8");
        message.setSentDate(Date.from(at));
        message.setText(text(e), "UTF-8");
        // an automatic message: vacation responders and ticket systems should not answer it (RFC 3834)
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setHeader("X-Kindling-Event", notice.eventType());
        message.setHeader("X-Kindling-Event-Id", notice.eventId());
        message.setHeader("X-Kindling-Delivery", notice.deliveryId());
        return message;
    }

    static String text(EventSummary e) {
        StringBuilder out = new StringBuilder(e.headline()).append("\n\n");
        for (List<String> line : List.of(
                List.of("Pipeline", e.pipeline()),
                List.of("Run", e.run()),
                List.of("Task", e.task()),
                List.of("State", e.state()),
                List.of("At", e.occurredAt()))) {
            if (!line.get(1).isEmpty()) {
                out.append(String.format("%-9s %s%n", line.get(0) + ":", line.get(1)));
            }
        }
        if (!e.error().isEmpty()) {
            out.append("\nError:\n").append(e.error().indent(2));
        }
        return out.append("\nOpen the run: ").append(e.runUrl()).append('\n').toString();
    }
}
