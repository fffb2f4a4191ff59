package io.kindling.scheduler.cli;

import io.dropwizard.core.setup.Bootstrap;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.PipelineParser;
import io.kindling.dsl.Problem;
import java.nio.file.Path;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code kindling validate PATH...}: every problem of every file, one line each, exit 1 if any. Needs no daemon,
 * database or Spark, so it suits a pipelines repository's CI. Executor and webhook names are not checked here
 * (they live in the daemon's config.yml).
 */
public class ValidateCommand extends QuietCommand {

    public ValidateCommand() {
        super("validate", "Check pipeline files or folders: one line per problem, exit status 1 if any");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("paths").nargs("+").metavar("PATH").help("pipeline files or folders");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) {
        PipelineParser parser = new PipelineParser(ParserOptions.lenient());
        int files = 0;
        int problems = 0;
        for (String path : namespace.<String>getList("paths")) {
            List<ParseResult> results = parser.parseAll(Path.of(path));
            files += results.size();
            for (ParseResult result : results) {
                for (Problem problem : result.problems()) {
                    System.out.println(problem);
                    problems++;
                }
            }
        }
        if (problems > 0) {
            throw new CommandFailedException(problems + " problem" + (problems == 1 ? "" : "s") + " in " + files
                    + " file" + (files == 1 ? "" : "s"));
        }
        System.err.println(files + " file" + (files == 1 ? "" : "s") + " OK");
    }
}
