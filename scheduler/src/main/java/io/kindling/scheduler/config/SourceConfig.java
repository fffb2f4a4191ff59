package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * One entry of {@code sources:} in config.yml: a local folder, watched for changes, or a git repository, cloned
 * and pulled. Credentials are never written here: {@code usernameEnv} and {@code passwordEnv} name environment
 * variables that are read only when the daemon talks to the remote.
 */
public class SourceConfig {
    /** {@code folder} or {@code git}. */
    @NotEmpty
    @Pattern(regexp = "folder|git", message = "must be 'folder' or 'git'")
    private String type = "folder";

    /** The source's name in the API and in {@code POST /api/v1/sources/sync?source=}. */
    @NotEmpty
    @Pattern(regexp = "[a-z0-9_-]{1,64}", message = "must match [a-z0-9_-]{1,64}")
    private String name;

    /** folder: the folder of pipeline files. */
    private String path;

    /** folder: how often the folder is checked for changes; 0 turns watching off. */
    private Duration scanInterval = Duration.seconds(1);

    /** git: the remote repository (https://, ssh-less file:// or a local path). */
    private String url;

    /** git: the branch followed. */
    private String branch = "main";

    /** git: the folder of pipeline files inside the repository, relative to its root; empty for the root. */
    private String subfolder = "";

    /** git: how often the remote is fetched; 0 means only at start and on {@code POST /api/v1/sources/sync}. */
    private Duration pollInterval = Duration.minutes(1);

    /** git: where the daemon keeps its clone; default {@code data/sources/<name>}. */
    private String checkoutDir;

    /** git: network timeout of one fetch or clone. */
    private Duration timeout = Duration.seconds(60);

    /** git: names of the environment variables that hold the user name and the password or token. */
    private String usernameEnv;

    private String passwordEnv;

    /** A plain watched folder: what the old top-level {@code pipelines:} key stands for. */
    public static SourceConfig folder(String name, String path) {
        SourceConfig s = new SourceConfig();
        s.setType("folder");
        s.setName(name);
        s.setPath(path);
        return s;
    }

    @ValidationMethod(
            message = "a folder source needs 'path'; a git source needs 'url', a 'branch' and a "
                    + "relative 'subfolder' without '..'")
    @JsonIgnore
    public boolean isComplete() {
        if ("folder".equals(type)) {
            return path != null && !path.isBlank();
        }
        return url != null && !url.isBlank() && branch != null && !branch.isBlank() && safeSubfolder();
    }

    /**
     * JGit would write user info of the URL (a token) in plain text into the clone's .git/config, where any
     * pipeline that reads files can find it; credentials come from the environment instead.
     */
    @ValidationMethod(
            message = "a git source's url must not hold credentials (https://user:token@host/...): "
                    + "put the token in an environment variable and name it in 'passwordEnv' (and the user in "
                    + "'usernameEnv')")
    @JsonIgnore
    public boolean isUrlWithoutCredentials() {
        if (url == null || "folder".equals(type)) {
            return true;
        }
        try {
            return java.net.URI.create(url.trim()).getRawUserInfo() == null;
        } catch (IllegalArgumentException e) {
            // scp-like "git@host:repo.git" is not a URI; its user is an ssh login, never a secret
            return !url.contains("://")
                    || !url.substring(url.indexOf("://") + 3).split("/", 2)[0].contains("@");
        }
    }

    private boolean safeSubfolder() {
        if (subfolder == null || subfolder.isEmpty()) {
            return true;
        }
        try {
            Path p = Path.of(subfolder);
            return !p.isAbsolute() && !p.normalize().startsWith("..");
        } catch (InvalidPathException e) {
            return false;
        }
    }

    @JsonIgnore
    public boolean isGit() {
        return "git".equals(type);
    }

    @JsonProperty
    public String getType() {
        return type;
    }

    @JsonProperty
    public void setType(String type) {
        this.type = type;
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
    public String getPath() {
        return path;
    }

    @JsonProperty
    public void setPath(String path) {
        this.path = path;
    }

    @JsonProperty
    public Duration getScanInterval() {
        return scanInterval;
    }

    @JsonProperty
    public void setScanInterval(Duration scanInterval) {
        this.scanInterval = scanInterval;
    }

    @JsonProperty
    public String getUrl() {
        return url;
    }

    @JsonProperty
    public void setUrl(String url) {
        this.url = url;
    }

    @JsonProperty
    public String getBranch() {
        return branch;
    }

    @JsonProperty
    public void setBranch(String branch) {
        this.branch = branch;
    }

    @JsonProperty
    public String getSubfolder() {
        return subfolder;
    }

    @JsonProperty
    public void setSubfolder(String subfolder) {
        this.subfolder = subfolder == null ? "" : subfolder;
    }

    @JsonProperty
    public Duration getPollInterval() {
        return pollInterval;
    }

    @JsonProperty
    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    @JsonProperty
    public String getCheckoutDir() {
        return checkoutDir;
    }

    @JsonProperty
    public void setCheckoutDir(String checkoutDir) {
        this.checkoutDir = checkoutDir;
    }

    @JsonProperty
    public Duration getTimeout() {
        return timeout;
    }

    @JsonProperty
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @JsonProperty
    public String getUsernameEnv() {
        return usernameEnv;
    }

    @JsonProperty
    public void setUsernameEnv(String usernameEnv) {
        this.usernameEnv = usernameEnv;
    }

    @JsonProperty
    public String getPasswordEnv() {
        return passwordEnv;
    }

    @JsonProperty
    public void setPasswordEnv(String passwordEnv) {
        this.passwordEnv = passwordEnv;
    }
}
