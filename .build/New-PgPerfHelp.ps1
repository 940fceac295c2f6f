# Writes MAML help for every PgPerf cmdlet: syntax, parameters, pipeline input and output types come
# from the cmdlets' own metadata; synopsis, description, parameter text and examples from
# module/help/<Cmdlet>.psd1 (shared parameters from module/help/_Common.psd1).
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ManifestPath,
    [Parameter(Mandatory)] [string] $HelpSource,
    [Parameter(Mandatory)] [string] $OutFile
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$module = Import-Module $ManifestPath -PassThru -Force
$common = Import-PowerShellDataFile (Join-Path $HelpSource '_Common.psd1')
$skip = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters |
    Where-Object { $_ -notin 'WhatIf', 'Confirm' }

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$null = New-Item -ItemType Directory -Force -Path (Split-Path $OutFile)
$w = [System.Xml.XmlWriter]::Create($OutFile, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Paras([string] $text) {
    $paras = @(($text ?? '') -split "(\r?\n){2,}" | Where-Object { $_.Trim() })
    if ($paras.Count -eq 0) { $paras = @('') }
    foreach ($p in $paras) { $w.WriteElementString('para', $maml, ($p.Trim() -replace '\s*\r?\n\s*', ' ')) }
}

function Get-TypeName([type] $type) {
    if ($type.IsGenericType -and $type.GetGenericTypeDefinition() -eq [Nullable`1]) { $type = $type.GetGenericArguments()[0] }
    if ($type -eq [object]) { return 'Object' }
    $type.FullName -replace '^System\.Management\.Automation\.', '' -replace '^System\.', ''
}

# The value a parameter has when it is not given, read from a new instance of the cmdlet (its property
# initializers), so help never says "None" for a parameter that has a default. A help source may override one
# with Defaults = @{ Name = 'text' } (for example a default computed at run time).
function Get-DefaultText($parameter, $attribute, $instance, [hashtable] $overrides) {
    if ($overrides -and $overrides.ContainsKey($parameter.Name)) { return $overrides[$parameter.Name] }
    if ($parameter.ParameterType -eq [switch]) { return 'False' }
    if ($attribute.IsMandatory -or $null -eq $instance) { return 'None' }
    # Dynamic parameters (Invoke-PgHealthCheck's thresholds) are not properties: their defaults live in PgHealthChecks.
    if ($parameter.IsDynamic) {
        $threshold = [PgPerf.PgHealthChecks]::Threshold($parameter.Name)
        return $(if ($threshold) { $threshold.Default.ToString([cultureinfo]::InvariantCulture) } else { 'None' })
    }
    $value = $instance.($parameter.Name)
    if ($null -eq $value) { return 'None' }
    if ($value -is [array]) { return $(if ($value.Count) { ($value | ForEach-Object { [string]$_ }) -join ', ' } else { 'None' }) }
    if ($value -is [IFormattable]) { return $value.ToString($null, [cultureinfo]::InvariantCulture) }
    "$value"
}

function Write-Parameter($parameter, $attribute, [hashtable] $text, [string] $commandName, $instance, [hashtable] $defaults) {
    $description = $text[$parameter.Name] ?? $common.Parameters[$parameter.Name]
    if (-not $description) { Write-Warning "$commandName -$($parameter.Name) has no description in $HelpSource." }
    $pipeline = @(
        if ($attribute.ValueFromPipeline) { 'ByValue' }
        if ($attribute.ValueFromPipelineByPropertyName) { 'ByPropertyName' }
    )
    $isSwitch = $parameter.ParameterType -eq [switch]
    $w.WriteStartElement('command', 'parameter', $cmd)
    $w.WriteAttributeString('required', "$($attribute.IsMandatory)".ToLower())
    $w.WriteAttributeString('variableLength', "$($parameter.ParameterType.IsArray)".ToLower())
    $wildcards = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $w.WriteAttributeString('globbing', "$wildcards".ToLower())
    $w.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $w.WriteAttributeString('position', $(if ($attribute.Position -ge 0) { "$($attribute.Position)" } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('name', $maml, $parameter.Name)
    $w.WriteStartElement('description', $maml); Write-Paras $description; $w.WriteEndElement()
    $validateSet = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($validateSet) {
        $w.WriteStartElement('parameterValueGroup', $cmd)
        foreach ($v in $validateSet.ValidValues) {
            $w.WriteStartElement('parameterValue', $cmd); $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('variableLength', 'false'); $w.WriteString($v); $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if (-not $isSwitch) {
        $w.WriteStartElement('parameterValue', $cmd)
        $w.WriteAttributeString('required', "$($attribute.IsMandatory)".ToLower())
        $w.WriteAttributeString('variableLength', "$($parameter.ParameterType.IsArray)".ToLower())
        $w.WriteString((Get-TypeName $parameter.ParameterType))
        $w.WriteEndElement()
    }
    $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, (Get-TypeName $parameter.ParameterType)); $w.WriteElementString('uri', $maml, ''); $w.WriteEndElement()
    $w.WriteElementString('defaultValue', $dev, (Get-DefaultText $parameter $attribute $instance $defaults))
    $w.WriteEndElement()
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($command in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
    $sourceFile = Join-Path $HelpSource "$($command.Name).psd1"
    if (-not (Test-Path $sourceFile)) { throw "No help source for $($command.Name): add $sourceFile (Synopsis, Description, Parameters, Examples)." }
    $help = Import-PowerShellDataFile $sourceFile
    $paramText = $help['Parameters'] ?? @{}
    # A cmdlet that works on one server per call says why (OneServer); its -Connection and -ThrottleLimit say so.
    if ($help['OneServer']) {
        $paramText = $paramText.Clone()
        foreach ($name in $common.OneServer.Keys) { if (-not $paramText.ContainsKey($name)) { $paramText[$name] = $common.OneServer[$name] -f $help.OneServer } }
    }
    $defaults = $help['Defaults'] ?? @{}
    $instance = [Activator]::CreateInstance($command.ImplementingType)

    $w.WriteStartElement('command', 'command', $cmd)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('details', $cmd)
    $w.WriteElementString('name', $cmd, $command.Name)
    $w.WriteElementString('verb', $cmd, $command.Verb)
    $w.WriteElementString('noun', $cmd, $command.Noun)
    $w.WriteStartElement('description', $maml); Write-Paras $help.Synopsis; $w.WriteEndElement()
    $w.WriteEndElement()
    $w.WriteStartElement('description', $maml); Write-Paras $help.Description; $w.WriteEndElement()

    $w.WriteStartElement('syntax', $cmd)
    foreach ($set in $command.ParameterSets) {
        $w.WriteStartElement('syntaxItem', $cmd)
        $w.WriteElementString('name', $maml, $command.Name)
        foreach ($p in $set.Parameters | Where-Object Name -notin $skip) {
            Write-Parameter $p $p $paramText $command.Name $instance $defaults
        }
        # Dynamic parameters (Invoke-PgHealthCheck's thresholds) are in Parameters but not in the sets' lists.
        $inSet = @($set.Parameters.Name)
        foreach ($p in $command.Parameters.Values | Where-Object { $_.IsDynamic -and $_.Name -notin $inSet -and $_.Name -notin $skip }) {
            Write-Parameter $p ($p.ParameterSets.Values | Select-Object -First 1) $paramText $command.Name
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('parameters', $cmd)
    foreach ($p in $command.Parameters.Values | Where-Object Name -notin $skip | Sort-Object Name) {
        $attr = $p.ParameterSets.Values | Select-Object -First 1
        Write-Parameter $p $attr $paramText $command.Name $instance $defaults
    }
    $w.WriteEndElement()

    $inputs = @($command.Parameters.Values | Where-Object { $_.Name -notin $skip -and ($_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }) })
    $w.WriteStartElement('inputTypes', $cmd)
    $w.WriteStartElement('inputType', $cmd)
    $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, $(if ($inputs) { 'System.Management.Automation.PSObject' } else { 'None' })); $w.WriteEndElement()
    $w.WriteStartElement('description', $maml)
    Write-Paras $(if ($help['Inputs']) { $help['Inputs'] } elseif ($inputs) { $(if ($inputs | Where-Object Name -eq 'Connection' | Where-Object { $_.ParameterSets.Values.ValueFromPipeline -contains $true }) { 'Strings and PgConnectionInfo objects bind to -Connection by value. ' }) + 'Objects with these properties bind by name: ' + (($inputs | ForEach-Object Name) -join ', ') + '.' } else { 'This cmdlet takes no pipeline input.' })
    $w.WriteEndElement(); $w.WriteEndElement(); $w.WriteEndElement()

    $w.WriteStartElement('returnValues', $cmd)
    foreach ($output in $command.OutputType) {
        $w.WriteStartElement('returnValue', $cmd)
        $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, $output.Name); $w.WriteEndElement()
        $w.WriteStartElement('description', $maml); Write-Paras ($help['Outputs'] ?? ''); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    # Each term of _Common.psd1 that this help uses gets its definition as a note, so no help says "the spec" unexplained.
    $allText = (@($help.Synopsis, $help.Description) + @($paramText.Values) + @($help.Examples | ForEach-Object { $_.Title; $_.Remarks })) -join "`n"
    $notes = @($help['Notes']) + @(foreach ($term in ($common['Terms'] ?? @{}).Keys | Sort-Object) {
        if ($allText -match [regex]::Escape($term)) { $common.Terms[$term].Trim() }
    }) | Where-Object { $_ }
    if ($notes) { $w.WriteStartElement('alertSet', $maml); $w.WriteStartElement('alert', $maml); Write-Paras ($notes -join "`n`n"); $w.WriteEndElement(); $w.WriteEndElement() }

    $w.WriteStartElement('examples', $cmd)
    $n = 0
    foreach ($example in $help.Examples) {
        $n++
        $w.WriteStartElement('example', $cmd)
        $w.WriteElementString('title', $maml, "-------------------------- Example ${n}: $($example.Title) --------------------------")
        $w.WriteElementString('code', $dev, $example.Code.Trim())
        $w.WriteStartElement('remarks', $dev); Write-Paras $example.Remarks; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('relatedLinks', $cmd)
    foreach ($link in @($help['Links'])) {
        if (-not $link) { continue }
        $w.WriteStartElement('navigationLink', $maml); $w.WriteElementString('linkText', $maml, $link); $w.WriteElementString('uri', $maml, ''); $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Close()
Write-Host "Help: $(@($module.ExportedCmdlets.Keys).Count) cmdlets -> $OutFile"
