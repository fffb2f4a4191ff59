package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code libraries:} in config.yml: where the Maven coordinates of pipelines' {@code libraries:} are resolved from
 * (in order), and the folder that keeps what was downloaded (a Maven local repository), so a restart resolves them
 * without the network (docs/libraries.md).
 */
public class LibrariesConfig {
    @Valid
    @NotNull
    private List<RepositoryConfig> repositories =
            new ArrayList<>(List.of(new RepositoryConfig("central", "https://repo.maven.apache.org/maven2")));

    @NotEmpty
    private String cache = "data/libraries";

    @JsonProperty
    public List<RepositoryConfig> getRepositories() {
        return repositories;
    }

    @JsonProperty
    public void setRepositories(List<RepositoryConfig> repositories) {
        this.repositories = repositories;
    }

    @JsonProperty
    public String getCache() {
        return cache;
    }

    @JsonProperty
    public void setCache(String cache) {
        this.cache = cache;
    }

    /** A Maven repository: a name for messages and its URL ({@code https:}, or {@code file:} for a folder). */
    public static class RepositoryConfig {
        @NotEmpty
        private String name;

        @NotEmpty
        private String url;

        public RepositoryConfig() {}

        public RepositoryConfig(String name, String url) {
            this.name = name;
            this.url = url;
        }

        @JsonProperty
        public String getName() {
            return name;
        }

        @JsonProperty
        public void setName(String name) {
            this.name = name;
        }

        @JsonProperty
        public String getUrl() {
            return url;
        }

        @JsonProperty
        public void setUrl(String url) {
            this.url = url;
        }
    }
}
