package io.kindling.scheduler.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jersey.validation.Validators;
import io.kindling.scheduler.config.SourceConfig;
import jakarta.validation.ConstraintViolation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A git token never sits in the source URL (JGit would keep it in .git/config), nor in messages in any form. */
class GitUrlCredentialsTest {
    private static SourceConfig git(String url) {
        SourceConfig s = new SourceConfig();
        s.setType("git");
        s.setName("team");
        s.setUrl(url);
        s.setBranch("main");
        return s;
    }

    private static List<String> problems(SourceConfig settings) {
        Set<ConstraintViolation<SourceConfig>> violations =
                Validators.newValidator().validate(settings);
        return violations.stream().map(ConstraintViolation::getMessage).toList();
    }

    @Test
    void aUrlWithUserInfoFailsValidationPointingToPasswordEnv() {
        assertThat(problems(git("https://user:tok3n@git.example.com/repo.git")))
                .anySatisfy(m -> assertThat(m).contains("passwordEnv").contains("credentials"));
        assertThat(problems(git("https://tok3n@git.example.com/repo.git")))
                .anySatisfy(m -> assertThat(m).contains("passwordEnv"));
    }

    @Test
    void plainUrlsAndSshLoginsPass() {
        assertThat(problems(git("https://git.example.com/repo.git"))).isEmpty();
        assertThat(problems(git("file:///srv/repos/pipelines.git"))).isEmpty();
        assertThat(problems(git("git@git.example.com:acme/pipelines.git"))).isEmpty();
    }

    @Test
    void redactMasksTheTokenAlsoUrlEncoded() {
        String token = "tok/en+1=secret";
        GitCredentials credentials = new GitCredentials(
                Optional.empty(), Optional.of("KINDLING_GIT_TOKEN"), Map.of("KINDLING_GIT_TOKEN", token)::get);
        String message = "fetch failed: https://git:tok%2Fen%2B1%3Dsecret@git.example.com/repo.git and " + token;
        String redacted = credentials.redact(message, "https://git.example.com/repo.git");
        assertThat(redacted).doesNotContain("secret").contains("***");
    }
}
