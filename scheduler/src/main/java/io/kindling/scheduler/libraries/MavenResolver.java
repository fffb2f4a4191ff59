package io.kindling.scheduler.libraries;

import io.kindling.dsl.Library;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Maven's own resolver: an artifact and its runtime dependencies from the configured repositories, kept in a local
 * repository folder ({@code libraries.cache}) that later resolutions read first.
 */
final class MavenResolver implements AutoCloseable {
    private final RepositorySystem system;
    private final RepositorySystemSession.CloseableSession session;
    private final List<RemoteRepository> repositories;

    MavenResolver(Path cache, List<RemoteRepository> repositories) {
        this.system = new RepositorySystemSupplier().get();
        this.session = system.createSessionBuilder()
                .withLocalRepositoryBaseDirectories(cache)
                .setSystemProperties(System.getProperties())
                .build();
        this.repositories = List.copyOf(repositories);
    }

    /** The jars of {@code maven} and of its runtime dependencies, the artifact's own first. */
    List<Path> resolve(Library.Maven maven) throws DependencyResolutionException {
        CollectRequest collect = new CollectRequest(
                new Dependency(new DefaultArtifact(maven.coordinates()), JavaScopes.RUNTIME), repositories);
        DependencyRequest request =
                new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        return system.resolveDependencies(session, request).getArtifactResults().stream()
                .map(ArtifactResult::getArtifact)
                .map(artifact -> artifact.getPath())
                .toList();
    }

    @Override
    public void close() {
        session.close();
        system.shutdown();
    }
}
